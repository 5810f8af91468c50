using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Faults;
using Outreach.Sandbox.OAuth;
using Outreach.Sandbox.RateLimiting;

namespace Outreach.Sandbox.Api;

/// <summary>
/// Runs in front of every <c>/api/v2</c> call, in this order: bearer token (401), forced-429 window, the user's
/// rate limit (429), injected faults; then the endpoint. Every answer carries the <c>X-RateLimit-*</c> headers.
/// </summary>
internal sealed class ApiGatewayMiddleware(
    RequestDelegate next, TokenStore tokens, UserRateLimiter limiter, FaultInjector faults, IOptions<SandboxOptions> options, TimeProvider time)
{
    /// <summary>Bucket whose (uncharged) state is shown on 401s when the token names no user.</summary>
    private const string AnonymousBucket = "(anonymous)";

    private readonly RateLimitOptions _rateLimit = options.Value.RateLimit;

    public async Task InvokeAsync(HttpContext context)
    {
        var trace = context.Features.Get<RequestTrace>();
        var presented = BearerToken(context.Request);
        var check = tokens.CheckAccessToken(presented);
        var now = time.GetUtcNow();
        if (check.Token is not { } token)
        {
            trace?.SetUser(check.UserEmail, null);
            RateLimitHeaders.Apply(context.Response, limiter.Peek(check.UserEmail ?? AnonymousBucket), _rateLimit, now);
            context.Response.Headers.WWWAuthenticate = presented is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, ApiErrors.Unauthorized(check.Problem!));
            return;
        }

        trace?.SetUser(token.UserEmail, token.ClientId);
        if (faults.ForcedRateLimitUntil() is { } until)
        {
            trace?.Fault = "forcedRateLimit";
            var state = limiter.Peek(token.UserEmail);
            await RejectAsync(context, state with { Remaining = 0, ResetAt = until }, now);
            return;
        }

        var decision = limiter.Take(token.UserEmail);
        if (!decision.Allowed)
        {
            await RejectAsync(context, decision, now);
            return;
        }

        RateLimitHeaders.Apply(context.Response, decision, _rateLimit, now);
        if (!await FaultStage.RunAsync(context, faults.Decide(isTokenEndpoint: false), time))
        {
            return;
        }

        context.Features.Set(new ApiCaller(token.UserEmail, token.ClientId, token.Scopes));
        await next(context);
    }

    private async Task RejectAsync(HttpContext context, RateLimitDecision decision, DateTimeOffset now)
    {
        RateLimitHeaders.Apply(context.Response, decision, _rateLimit, now);
        RateLimitHeaders.ApplyRetryAfter(context.Response, decision.ResetAt, _rateLimit, now);
        await ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, ApiErrors.RateLimitExceeded(decision.Limit, decision.ResetAt));
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        return header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && header.Length > Prefix.Length
            ? header[Prefix.Length..].Trim()
            : null;
    }
}
