using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>
/// A loopback stand-in for the Service Bus REST endpoint (Kestrel on 127.0.0.1): records every request and answers
/// with the queued answers, 201 when none is queued.
/// </summary>
public sealed class FakeServiceBus : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServiceBus(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The base address to give the sender (ends with '/').</summary>
    public Uri BaseAddress { get; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Answers to give, in order; 201 once they run out.</summary>
    public ConcurrentQueue<FakeAnswer> Answers { get; } = new();

    /// <summary>Starts the fake on a free loopback port.</summary>
    public static async Task<FakeServiceBus> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeServiceBus? fake = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            fake!.Requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray()));
            var answer = fake.Answers.TryDequeue(out var next) ? next : new FakeAnswer(StatusCodes.Status201Created);
            context.Response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (answer.Body is not null)
            {
                context.Response.ContentType = "application/xml; charset=utf-8";
                await context.Response.WriteAsync(answer.Body);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeServiceBus(app, new Uri(address + "/"));
        return fake;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the fake received.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>An answer the fake gives.</summary>
public sealed record FakeAnswer(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null);
