using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>An HttpMessageHandler that answers from a queue of responders and records every request (with its body).</summary>
internal sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _responders = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Used when the queue is empty.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Fallback { get; set; }

    public StubHttpHandler Respond(HttpStatusCode status, string? body = null, string mediaType = "application/vnd.api+json", Action<HttpResponseMessage>? configure = null)
    {
        _responders.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status);
            if (body is not null)
            {
                response.Content = new StringContent(body, Encoding.UTF8, mediaType);
            }

            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public StubHttpHandler Throw(Exception exception)
    {
        _responders.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    public StubHttpHandler Hang()
    {
        _responders.Enqueue(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.MediaType,
            body));
        var responder = _responders.TryDequeue(out var next) ? next : Fallback
            ?? throw new InvalidOperationException($"No response queued for {request.Method} {request.RequestUri}.");
        var response = await responder(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body);
