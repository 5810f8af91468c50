namespace Outreach.Sandbox.Faults;

/// <summary>Injects faults into <c>POST /oauth/token</c> when <see cref="FaultSettings.IncludeTokenEndpoint"/> is on.</summary>
internal sealed class TokenEndpointFaultMiddleware(RequestDelegate next, FaultInjector faults, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (await FaultStage.RunAsync(context, faults.Decide(isTokenEndpoint: true), time))
        {
            await next(context);
        }
    }
}
