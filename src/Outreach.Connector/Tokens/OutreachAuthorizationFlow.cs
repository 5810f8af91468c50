using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tokens;

/// <summary>
/// The two halves of connecting the app to Outreach, for the app's Connect and Callback endpoints:
/// <see cref="StartAsync"/> issues a state and the URL to redirect the person to; <see cref="CompleteAsync"/> checks
/// the callback's state, exchanges the code and stores the tokens (clearing any NeedsReauthorization).
/// </summary>
public sealed class OutreachAuthorizationFlow(
    OAuthStateStore states,
    IOutreachOAuthClient oauth,
    ConnectionAuthorizer authorizer,
    IOptions<OutreachOptions> outreachOptions,
    TimeProvider timeProvider,
    ILogger<OutreachAuthorizationFlow> logger)
{
    /// <summary>Starts an authorization of the app's connection: redirect the person to the returned URL.</summary>
    public async Task<AuthorizationStart> StartAsync(CancellationToken cancellationToken)
    {
        var state = await states.CreateAsync(authorizer.ConnectionName, cancellationToken);
        return new AuthorizationStart(oauth.BuildAuthorizationUrl(state.Value), authorizer.ConnectionName, state.ExpiresAt);
    }

    /// <summary>
    /// Finishes an authorization from the callback's query: <c>code</c>, <c>state</c>, and <c>error</c> when the person
    /// declined. Never throws for a bad callback; infrastructure failures become <see cref="AuthorizationCompletion.Failed"/>.
    /// </summary>
    public async Task<AuthorizationCompletion> CompleteAsync(string? code, string? state, string? error, CancellationToken cancellationToken)
    {
        // Check the state first, even on an error callback, so a state can never be replayed.
        OAuthStateCheck check;
        try
        {
            check = await states.ConsumeAsync(state, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            FlowLog.Failed(logger, authorizer.ConnectionName, "state store: HTTP " + ex.Status);
            return new AuthorizationCompletion.Failed("The authorization state could not be checked; try again.", Retryable: true);
        }

        if (check is OAuthStateCheck.Refused refused)
        {
            return new AuthorizationCompletion.InvalidState(refused.Problem);
        }

        var connectionName = ((OAuthStateCheck.Valid)check).ConnectionName;
        if (!string.Equals(connectionName, authorizer.ConnectionName, StringComparison.Ordinal))
        {
            return new AuthorizationCompletion.InvalidState(OAuthStateProblem.Unknown);
        }

        if (!string.IsNullOrEmpty(error))
        {
            // The error comes from the query string: keep it short and to OAuth's error-code alphabet.
            var errorCode = new string(error.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-').Take(64).ToArray());
            FlowLog.Denied(logger, connectionName, errorCode);
            return new AuthorizationCompletion.Denied(errorCode);
        }

        if (string.IsNullOrEmpty(code))
        {
            return new AuthorizationCompletion.Failed("The callback carried no authorization code.", Retryable: false);
        }

        var requestedAt = timeProvider.GetUtcNow();
        var result = await oauth.ExchangeCodeAsync(code, cancellationToken);
        switch (result)
        {
            case TokenEndpointOutcome.Success success:
                bool stored;
                try
                {
                    stored = await authorizer.AcceptAuthorizationAsync(success.Grant, requestedAt, cancellationToken);
                }
                catch (Exception ex) when (ex is Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException or IOException or UnauthorizedAccessException)
                {
                    FlowLog.Failed(logger, connectionName, "token store: " + ex.GetType().Name);
                    return new AuthorizationCompletion.Failed("The tokens could not be stored; authorize again.", Retryable: true);
                }

                if (!stored)
                {
                    return new AuthorizationCompletion.Failed("The tokens could not be stored (busy lock or no refresh token); authorize again.", Retryable: true);
                }

                var granted = (success.Grant.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var missing = success.Grant.Scope is null
                    ? []
                    : outreachOptions.Value.ScopeList.Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToArray();
                return new AuthorizationCompletion.Connected(connectionName, success.Grant.Scope, missing);

            case TokenEndpointOutcome.InvalidGrant invalid:
                FlowLog.Failed(logger, connectionName, $"code refused ({invalid.Error ?? "no error code"})");
                return new AuthorizationCompletion.CodeRefused(invalid.StatusCode, invalid.Error);

            case TokenEndpointOutcome.MintingLimited limited:
                return new AuthorizationCompletion.Failed($"Outreach throttled token minting; authorize again after {limited.RetryAt:O}.", Retryable: true);

            case TokenEndpointOutcome.ClientRejected rejected:
                FlowLog.Failed(logger, connectionName, $"client rejected (HTTP {rejected.StatusCode})");
                return new AuthorizationCompletion.Failed("Outreach rejected the app's client id, secret or redirect URI: check the Outreach settings.", Retryable: false);

            default:
                return new AuthorizationCompletion.Failed("Outreach's token endpoint failed; authorize again.", Retryable: true);
        }
    }
}

/// <summary>Where to send the person to authorize the app.</summary>
/// <param name="AuthorizationUrl">Outreach's authorize URL with client id, redirect URI, scopes and state.</param>
/// <param name="ConnectionName">The connection being authorized.</param>
/// <param name="ExpiresAt">The callback must arrive before this.</param>
public sealed record AuthorizationStart(Uri AuthorizationUrl, string ConnectionName, DateTimeOffset ExpiresAt);

/// <summary>The result of a callback.</summary>
public abstract record AuthorizationCompletion
{
    private AuthorizationCompletion()
    {
    }

    /// <summary>The connection is authorized; delivery resumes. <paramref name="MissingScopes"/> lists requested scopes Outreach did not grant.</summary>
    public sealed record Connected(string ConnectionName, string? Scope, IReadOnlyList<string> MissingScopes) : AuthorizationCompletion;

    /// <summary>The state was missing, unknown, used or expired: possibly forged; start again from Connect.</summary>
    public sealed record InvalidState(OAuthStateProblem Problem) : AuthorizationCompletion;

    /// <summary>The person declined, or Outreach returned an error (<c>access_denied</c> …).</summary>
    public sealed record Denied(string Error) : AuthorizationCompletion;

    /// <summary>Outreach's token endpoint refused the code (expired, already used, or not for this app): the caller's request was bad, not us.</summary>
    /// <param name="StatusCode">The HTTP status Outreach answered.</param>
    /// <param name="Error">The OAuth <c>error</c> code Outreach sent, if any.</param>
    public sealed record CodeRefused(int StatusCode, string? Error) : AuthorizationCompletion;

    /// <summary>The exchange or the storing failed; <paramref name="Retryable"/> when starting again may work.</summary>
    public sealed record Failed(string Reason, bool Retryable) : AuthorizationCompletion;
}

/// <summary>Source-generated log messages of <see cref="OutreachAuthorizationFlow"/>.</summary>
internal static partial class FlowLog
{
    [LoggerMessage(EventId = 2801, Level = LogLevel.Warning, Message = "The authorization of Outreach connection {ConnectionName} was declined: {Error}")]
    public static partial void Denied(ILogger logger, string connectionName, string error);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Error, Message = "The authorization of Outreach connection {ConnectionName} failed: {Failure}")]
    public static partial void Failed(ILogger logger, string connectionName, string failure);
}
