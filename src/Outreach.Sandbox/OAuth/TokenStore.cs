using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.OAuth;

/// <summary>
/// All OAuth state: authorization codes, access and refresh tokens, and per user+app issue counts.
/// One lock makes each grant atomic (check the code or refresh token, check the minting limit, issue, rotate).
/// </summary>
internal sealed class TokenStore(IOptions<SandboxOptions> options, TimeProvider time)
{
    private readonly OAuthOptions _options = options.Value.OAuth;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessTokenRecord> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshTokenRecord> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<(string User, string Client), GrantFamily> _families = [];
    private long _codesIssued;
    private long _accessTokensIssued;
    private long _refreshes;
    private long _mintingRejections;
    private long _grantErrors;

    /// <summary>Issues a single-use authorization code after a successful sign-in (the user's configured email is its key).</summary>
    public string IssueCode(string userEmail, string clientId, string redirectUri, string scope)
    {
        var code = NewToken("sbx_code_");
        var expiresAt = time.GetUtcNow() + _options.AuthorizationCodeLifetime;
        lock (_gate)
        {
            _codes[code] = new AuthorizationCode(userEmail, clientId, redirectUri, scope, expiresAt);
            _codesIssued++;
        }

        return code;
    }

    /// <summary>Exchanges an authorization code (grant type <c>authorization_code</c>).</summary>
    /// <remarks>The code is consumed only when tokens are issued, so a request refused by the minting limit can be retried.</remarks>
    public TokenGrantOutcome ExchangeCode(string clientId, string code, string? redirectUri)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var grant) || grant.ClientId != clientId)
            {
                return Refuse("The authorization code is invalid.");
            }

            if (grant.Redeemed)
            {
                return Refuse("The authorization code was already used.");
            }

            if (grant.Revoked)
            {
                return Refuse("The authorization code was revoked.");
            }

            if (now >= grant.ExpiresAt)
            {
                return Refuse("The authorization code has expired.");
            }

            if (!string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal))
            {
                return Refuse("The redirect_uri does not match the one used to authorize.");
            }

            var family = Family(grant.UserEmail, clientId);
            if (MintingBlockedUntil(family, now) is { } retryAt)
            {
                _mintingRejections++;
                return TokenGrantOutcome.MintingLimited(retryAt);
            }

            grant.Redeemed = true;
            return TokenGrantOutcome.Success(Issue(family, grant.UserEmail, clientId, grant.Scope, now), grant.UserEmail);
        }
    }

    /// <summary>Refreshes (grant type <c>refresh_token</c>): issues a new access token and a new, rotated refresh token.</summary>
    public TokenGrantOutcome Refresh(string clientId, string refreshToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_refreshTokens.TryGetValue(refreshToken, out var token) || token.ClientId != clientId)
            {
                return Refuse("The refresh token is invalid.");
            }

            if (token.Revoked)
            {
                return Refuse("The refresh token was revoked.");
            }

            if (now >= token.CreatedAt + _options.RefreshTokenLifetime)
            {
                return Refuse("The refresh token has expired.");
            }

            var family = Family(token.UserEmail, clientId);
            if (_options.RefreshTokenMaxNewerTokens > 0 && family.IssuedCount - token.Sequence >= _options.RefreshTokenMaxNewerTokens)
            {
                return Refuse("The refresh token has expired: too many newer tokens were issued.");
            }

            if (token.Rotated && !_options.RotatedRefreshTokensStayValid)
            {
                return Refuse("The refresh token was already used.");
            }

            if (MintingBlockedUntil(family, now) is { } retryAt)
            {
                _mintingRejections++;
                return TokenGrantOutcome.MintingLimited(retryAt);
            }

            token.Rotated = true;
            _refreshes++;
            return TokenGrantOutcome.Success(Issue(family, token.UserEmail, clientId, token.Scope, now), token.UserEmail);
        }
    }

    /// <summary>Checks a bearer token from an API call.</summary>
    public AccessTokenCheck CheckAccessToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new AccessTokenCheck(null, "The request has no bearer access token.", null);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_accessTokens.TryGetValue(token, out var record))
            {
                return new AccessTokenCheck(null, "The access token is invalid.", null);
            }

            if (record.Revoked)
            {
                return new AccessTokenCheck(null, "The access token was revoked.", record.UserEmail);
            }

            return now >= record.ExpiresAt
                ? new AccessTokenCheck(null, "The access token has expired.", record.UserEmail)
                : new AccessTokenCheck(record, null, record.UserEmail);
        }
    }

    /// <summary>Revokes every code, access token and refresh token of a user (as if they disconnected the app); returns how many.</summary>
    public int RevokeUser(string userEmail)
    {
        var count = 0;
        lock (_gate)
        {
            foreach (var code in _codes.Values.Where(c => Same(c.UserEmail, userEmail) && !c.Revoked && !c.Redeemed))
            {
                code.Revoked = true;
                count++;
            }

            foreach (var token in _accessTokens.Values.Where(t => Same(t.UserEmail, userEmail) && !t.Revoked))
            {
                token.Revoked = true;
                count++;
            }

            foreach (var token in _refreshTokens.Values.Where(t => Same(t.UserEmail, userEmail) && !t.Revoked))
            {
                token.Revoked = true;
                count++;
            }
        }

        return count;
    }

    /// <summary>Counts a refused token request that never reached the store (bad client, missing fields).</summary>
    public void CountGrantError()
    {
        lock (_gate)
        {
            _grantErrors++;
        }
    }

    /// <summary>The OAuth counters for the admin surface.</summary>
    public OAuthCounters Counters()
    {
        lock (_gate)
        {
            return new OAuthCounters(_codesIssued, _accessTokensIssued, _refreshes, _mintingRejections, _grantErrors);
        }
    }

    /// <summary>Forgets every code and token (admin reset with <c>oauth=true</c>).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _codes.Clear();
            _accessTokens.Clear();
            _refreshTokens.Clear();
            _families.Clear();
            _codesIssued = _accessTokensIssued = _refreshes = _mintingRejections = _grantErrors = 0;
        }
    }

    private TokenResponse Issue(GrantFamily family, string userEmail, string clientId, string scope, DateTimeOffset now)
    {
        family.IssuedCount++;
        family.LastMintedAt = now;
        _accessTokensIssued++;
        var accessToken = NewToken("sbx_at_");
        var refreshToken = NewToken("sbx_rt_");
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        _accessTokens[accessToken] = new AccessTokenRecord(userEmail, clientId, scopes, now + _options.AccessTokenLifetime);
        _refreshTokens[refreshToken] = new RefreshTokenRecord(userEmail, clientId, scope, now, family.IssuedCount);
        return new TokenResponse
        {
            AccessToken = accessToken,
            TokenType = "bearer",
            ExpiresIn = (long)_options.AccessTokenLifetime.TotalSeconds,
            RefreshToken = refreshToken,
            Scope = scope,
            CreatedAt = now.ToUnixTimeSeconds(),
        };
    }

    private DateTimeOffset? MintingBlockedUntil(GrantFamily family, DateTimeOffset now)
    {
        if (_options.MintingInterval <= TimeSpan.Zero || family.LastMintedAt is not { } last)
        {
            return null;
        }

        var next = last + _options.MintingInterval;
        return now < next ? next : null;
    }

    private GrantFamily Family(string userEmail, string clientId)
    {
        var key = (userEmail, clientId);
        if (!_families.TryGetValue(key, out var family))
        {
            family = new GrantFamily();
            _families[key] = family;
        }

        return family;
    }

    private TokenGrantOutcome Refuse(string description)
    {
        _grantErrors++;
        return TokenGrantOutcome.InvalidGrant(description);
    }

    private static bool Same(string email, string other) => string.Equals(email, other, StringComparison.OrdinalIgnoreCase);

    private static string NewToken(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
