using Outreach.Connector.Monitoring;
using Outreach.Connector.Tokens;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Connect;

/// <summary>
/// The <c>Connect</c> function (function-definitions/Connect/function.json): <c>GET /api/oauth/connect</c> with
/// <c>authLevel: function</c>. It starts the authorization-code flow and redirects the browser to Outreach's
/// authorize URL (302 with <c>Location</c> in <c>Outputs.res</c>).
/// </summary>
/// <remarks>
/// Connecting decides whose Outreach account the connector writes with, so the host checks a function key first
/// (<c>?code=&lt;key&gt;</c> in the browser). <c>function</c> rather than <c>admin</c>: the master key, which
/// <c>admin</c> requires, also opens the host's admin API and would end up in browser history; Connect's own function
/// key opens only this function. AEP should get the Ingest function's key, not a host key, so its key cannot connect.
/// </remarks>
public static class ConnectFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "Connect";

    private static readonly FunctionDefinition Function = FunctionDefinition.Http(Name);

    /// <summary>Maps <c>POST /Connect</c>.</summary>
    public static IEndpointRouteBuilder MapConnectFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, OutreachAuthorizationFlow flow) =>
            runner.RunHttpAsync(context, Function, (_, cancellationToken) => StartAsync(flow, cancellationToken)));
        return endpoints;
    }

    private static async Task<HttpOutput> StartAsync(OutreachAuthorizationFlow flow, CancellationToken cancellationToken)
    {
        AuthorizationStart start;
        try
        {
            // Storing the single-use state is one Table storage write: a browser waits at most DependencyRead.InteractiveBudget.
            start = await DependencyRead.WithinAsync("The OAuth state table", DependencyRead.InteractiveBudget, flow.StartAsync, cancellationToken);
        }
        catch (Exception ex) when (DependencyRead.IsFailure(ex))
        {
            // The state store (Table storage) is unavailable or slow: nothing was started.
            return HttpFunction.JsonError(
                StatusCodes.Status503ServiceUnavailable,
                HttpFunction.DependencyUnavailableCode,
                $"The connector could not start the sign-in: its storage is unavailable ({DependencyRead.Describe(ex)}). Try again in a minute.");
        }

        var headers = new Dictionary<string, string>(HttpFunction.NoStoreHeaders, StringComparer.OrdinalIgnoreCase)
        {
            ["Location"] = start.AuthorizationUrl.AbsoluteUri,
        };
        return new HttpOutput(StatusCodes.Status302Found, "", "text/plain; charset=utf-8", headers);
    }
}
