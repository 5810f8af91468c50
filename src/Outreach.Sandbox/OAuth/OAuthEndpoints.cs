using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.OAuth;

/// <summary>Maps <c>/oauth/authorize</c> (sign-in page and form) and <c>/oauth/token</c>.</summary>
internal static class OAuthEndpoints
{
    public static void MapOAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/oauth/authorize", ShowSignIn);
        routes.MapPost("/oauth/authorize", SignInAsync).DisableAntiforgery();
        routes.MapPost("/oauth/token", TokenAsync).DisableAntiforgery();
    }

    private static IResult ShowSignIn(HttpContext context, ClientRegistry clients)
    {
        var request = AuthorizeRequest.From(name => context.Request.Query[name]);
        return request.Problem(clients, out _) is { } problem
            ? Html(AuthorizePage.Error(problem), StatusCodes.Status400BadRequest)
            : Html(AuthorizePage.SignIn(request, null, null), StatusCodes.Status200OK);
    }

    /// <summary>
    /// Handles the sign-in form. Automation posts the same fields directly (email, password, client_id,
    /// redirect_uri, response_type, scope, state) and reads the code from the 302's Location.
    /// </summary>
    private static async Task<IResult> SignInAsync(HttpContext context, ClientRegistry clients, UserDirectory users, TokenStore tokens)
    {
        if (!context.Request.HasFormContentType)
        {
            return Html(AuthorizePage.Error("The sign-in must be posted as a form."), StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        // response_type is implied by the form; automation may leave it out.
        var request = AuthorizeRequest.From(name => form[name]);
        request = request with { ResponseType = request.ResponseType ?? "code" };
        if (request.Problem(clients, out var client) is { } problem)
        {
            return Html(AuthorizePage.Error(problem), StatusCodes.Status400BadRequest);
        }

        if (string.Equals(form["decision"], "deny", StringComparison.Ordinal))
        {
            return Results.Redirect(request.RedirectWith("error", "access_denied"));
        }

        var email = form["email"].ToString();
        var user = users.SignIn(email, form["password"]);
        if (user is null)
        {
            // 401 makes a failed automated sign-in obvious; a browser still shows the page.
            return Html(AuthorizePage.SignIn(request, "Invalid email or password.", email), StatusCodes.Status401Unauthorized);
        }

        context.Features.Get<RequestTrace>()?.SetUser(user.Email, client!.ClientId);
        var code = tokens.IssueCode(user.Email, client!.ClientId, request.RedirectUri!, request.Scope!);
        return Results.Redirect(request.RedirectWith("code", code));
    }

    private static async Task TokenAsync(
        HttpContext context, ClientRegistry clients, TokenStore tokens, IOptions<SandboxOptions> options, TimeProvider time)
    {
        var oauth = options.Value.OAuth;
        var fields = await TokenRequestReader.ReadAsync(context.Request, context.RequestAborted);
        if (fields is null)
        {
            tokens.CountGrantError();
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "The body must be form-urlencoded or a JSON object.");
            return;
        }

        var client = clients.Authenticate(fields.GetValueOrDefault("client_id"), fields.GetValueOrDefault("client_secret"));
        if (client is null)
        {
            tokens.CountGrantError();
            await WriteErrorAsync(context, oauth.InvalidClientStatusCode, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret.");
            return;
        }

        var grantType = fields.GetValueOrDefault("grant_type");
        TokenGrantOutcome result;
        switch (grantType)
        {
            case "authorization_code" when fields.TryGetValue("code", out var code) && code.Length > 0:
                result = tokens.ExchangeCode(client.ClientId, code, fields.GetValueOrDefault("redirect_uri"));
                break;
            case "refresh_token" when fields.TryGetValue("refresh_token", out var refreshToken) && refreshToken.Length > 0:
                // redirect_uri is optional on refresh (some clients send it, some do not) and is not checked.
                result = tokens.Refresh(client.ClientId, refreshToken);
                break;
            case "authorization_code" or "refresh_token":
                tokens.CountGrantError();
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", $"The {grantType} grant needs its {(grantType == "refresh_token" ? "refresh_token" : "code")} parameter.");
                return;
            default:
                tokens.CountGrantError();
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
                return;
        }

        if (result.MintingRetryAt is { } retryAt)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling((retryAt - time.GetUtcNow()).TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, new ApiError
            {
                Id = "rateLimitExceeded",
                Title = "Rate Limit Exceeded",
                Detail = "At most one new access token per user per application per minute may be minted; please try again later.",
            });
            return;
        }

        if (result.Error is { } error)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error.Error, error.ErrorDescription);
            return;
        }

        context.Features.Get<RequestTrace>()?.SetUser(result.UserEmail, client.ClientId);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(result.Issued!, SandboxJson.Context.TokenResponse, cancellationToken: context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new OAuthErrorResponse(error, description), SandboxJson.Context.OAuthErrorResponse, cancellationToken: context.RequestAborted);
    }

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
