using Azure.Core;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Queueing;

/// <summary>
/// Entra ID access tokens for Service Bus (scope <see cref="ServiceBusRestSenderOptions.Scope"/>), cached until the
/// token's refresh time (or <see cref="ServiceBusRestSenderOptions.TokenRefreshMargin"/> before expiry); one request for
/// a new token at a time. A singleton: every sender shares it.
/// </summary>
public sealed class ServiceBusTokenProvider(TokenCredential credential, TimeProvider time, IOptions<ServiceBusRestSenderOptions> options)
{
    private static readonly TokenRequestContext Request = new([ServiceBusRestSenderOptions.Scope]);
    private readonly TimeSpan _margin = options.Value.TokenRefreshMargin;
    private readonly Lock _sync = new();
    private AccessToken? _token;
    private Task<AccessToken>? _pending;

    /// <summary>A token valid for a while yet; a new one when <paramref name="forceRefresh"/> (after a 401).</summary>
    /// <exception cref="Azure.Identity.AuthenticationFailedException">No token could be obtained (propagated from the credential).</exception>
    public async Task<string> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        Task<AccessToken> pending;
        lock (_sync)
        {
            if (!forceRefresh && _token is { } cached && time.GetUtcNow() < RefreshAt(cached))
            {
                return cached.Token;
            }

            if (_pending is null || _pending.IsCompleted)
            {
                _pending = FetchAsync();
            }

            pending = _pending;
        }

        var token = await pending.WaitAsync(cancellationToken);
        return token.Token;
    }

    private async Task<AccessToken> FetchAsync()
    {
        // Not tied to one caller's cancellation: other callers may be waiting for the same token.
        var token = await credential.GetTokenAsync(Request, CancellationToken.None);
        lock (_sync)
        {
            _token = token;
        }

        return token;
    }

    private DateTimeOffset RefreshAt(AccessToken token)
    {
        var beforeExpiry = token.ExpiresOn - _margin;
        return token.RefreshOn is { } refreshOn && refreshOn < beforeExpiry ? refreshOn : beforeExpiry;
    }
}
