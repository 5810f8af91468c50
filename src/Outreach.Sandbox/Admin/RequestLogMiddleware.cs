using Outreach.Sandbox.Api;

namespace Outreach.Sandbox.Admin;

/// <summary>Records every API and OAuth call (not the admin surface) in the <see cref="RequestLog"/> once it is answered.</summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, RequestLog log, TimeProvider time)
{
    /// <summary>Status recorded when the client aborted before an answer (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext context)
    {
        var trace = new RequestTrace();
        context.Features.Set(trace);
        var arrived = time.GetUtcNow();
        var failed = false;
        try
        {
            await next(context);
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            failed = true;
            throw;
        }
        finally
        {
            var status = context.RequestAborted.IsCancellationRequested ? ClientClosedRequest
                : failed ? StatusCodes.Status500InternalServerError
                : context.Response.StatusCode;
            var request = context.Request;
            log.Add(arrived, request.Method, request.Path + request.QueryString, ProspectIdOf(request.Path), status, trace.User, trace.ClientId, trace.Fault);
        }
    }

    private static long? ProspectIdOf(PathString path)
    {
        const string Prefix = "/api/v2/prospects/";
        var value = path.Value ?? "";
        return value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(value.AsSpan(Prefix.Length).TrimEnd('/'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
