using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Outreach.Connector.Ingest;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing;

namespace OutreachFunctions.Standalone;

/// <summary><c>POST /api/profiles</c> in the standalone runtime: AEP's HTTP API destination posts exports here.</summary>
public static class IngestEndpoint
{
    /// <summary>The route, the same as the Functions app's.</summary>
    public const string Route = "/api/profiles";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, BearerSecretCheck authorization, IngestRequestCheck requestCheck, IngestService ingest, IUpdateQueue queue)
    {
        if (!authorization.IsAuthorized(context.Request.Headers.Authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, IngestResponse.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Send the configured secret as Authorization: Bearer <secret>."));
            return;
        }

        // The reader enforces Ingest:MaxBodyBytes itself (413 with the limit); the server's own limit would throw first on a
        // larger setting, so it is lifted for this route, before a refusal too: the server then drains the unread body
        // instead of dropping the connection, and the client reads the 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (requestCheck.Refusal(context.Request.ContentType, context.Request.ContentLength) is { } refusal)
        {
            await WriteAsync(context, refusal);
            return;
        }

        IngestResponse response;
        try
        {
            (_, response) = await ingest.AcceptAsync(context.Request.Body, queue, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // The client broke the framing (a body shorter or longer than it declared): its error, not ours.
            response = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? requestCheck.TooLarge()
                : IngestResponse.Error(StatusCodes.Status400BadRequest, "body_unreadable", "The request body could not be read: " + ex.Message);
        }
        catch (Azure.RequestFailedException)
        {
            // The queue is unavailable: nothing is lost because AEP retries a 503 (docs/reference/aep.md §1.6).
            response = IngestResponse.Error(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "The update queue is unavailable; retry later.");
        }

        await WriteAsync(context, response);
    }

    // Every 4xx is counted by reason for the status page and metrics; 5xx are ours and logged elsewhere.
    private static Task WriteAsync(HttpContext context, IngestResponse response)
    {
        if (response is { StatusCode: >= 400 and < 500, ErrorCode: { } reason })
        {
            context.RequestServices.GetService<IngestRefusals>()?.Record(response.StatusCode, reason);
        }

        return JsonError.WriteAsync(context, response);
    }
}

/// <summary>Checks the <c>Authorization: Bearer</c> header of an ingest request against the configured secret.</summary>
public sealed class BearerSecretCheck(IOptions<IngestAuthenticationOptions> options)
{
    // Hashing both sides first makes the comparison constant-time in the secret's length as well as its content.
    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.BearerSecret));

    /// <summary>True when the header carries exactly the configured secret.</summary>
    public bool IsAuthorized(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expectedHash);
    }
}
