using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Tokens;
using OutreachFunctions.Connection;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Connect;

/// <summary>
/// The <c>Callback</c> function (function-definitions/Callback/function.json): <c>GET /api/oauth/callback</c> with
/// <c>authLevel: anonymous</c>, because Outreach redirects the person's browser here with <c>code</c> and
/// <c>state</c> (or <c>error</c>) and no function key. The OAuth <c>state</c> protects it: single use, short-lived,
/// issued by Connect. Renders the same page as the standalone callback (<see cref="AuthorizationPage"/>), whose text
/// is HTML-encoded and never echoes a query value except the sanitized OAuth error code.
/// </summary>
public static class CallbackFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "Callback";

    private static readonly FunctionDefinition Function = FunctionDefinition.Http(Name);

    // Pages carry no script and load nothing: a strict policy costs nothing.
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    /// <summary>Maps <c>POST /Callback</c>.</summary>
    public static IEndpointRouteBuilder MapCallbackFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, OutreachAuthorizationFlow flow, SequenceHealth sequences) =>
            runner.RunHttpAsync(context, Function, (request, cancellationToken) => CompleteAsync(request, flow, sequences, cancellationToken)));
        return endpoints;
    }

    private static async Task<HttpOutput> CompleteAsync(HttpTriggerRequest request, OutreachAuthorizationFlow flow, SequenceHealth sequences, CancellationToken cancellationToken)
    {
        var completion = await flow.CompleteAsync(
            request.Query.GetValueOrDefault("code"), request.Query.GetValueOrDefault("state"), request.Query.GetValueOrDefault("error"), cancellationToken);
        var (status, html) = await AuthorizationPage.ForAsync(completion, sequences, cancellationToken);
        var headers = new Dictionary<string, string>(HttpFunction.NoStoreHeaders, StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Security-Policy"] = ContentSecurityPolicy,
        };
        return new HttpOutput(status, html, AuthorizationPage.ContentType, headers);
    }
}
