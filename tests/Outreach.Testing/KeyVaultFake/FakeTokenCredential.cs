using System.Collections.Concurrent;
using Azure.Core;

namespace Outreach.Testing.KeyVaultFake;

/// <summary>A <see cref="TokenCredential"/> that hands out a fixed token and records what was asked of it (scopes, tenant).</summary>
/// <param name="token">The bearer token it returns.</param>
public sealed class FakeTokenCredential(string token) : TokenCredential
{
    private readonly ConcurrentQueue<TokenRequestContext> _requests = new();

    /// <summary>The token this credential returns.</summary>
    public string Token { get; } = token;

    /// <summary>Every token request, in order.</summary>
    public IReadOnlyList<TokenRequestContext> Requests => [.. _requests];

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        _requests.Enqueue(requestContext);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
