using Azure.Core;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>A credential that hands out numbered tokens ("token-1", "token-2"…) valid for an hour on the given clock.</summary>
public sealed class FakeTokenCredential(TimeProvider time) : TokenCredential
{
    private int _issued;

    /// <summary>How many tokens were issued.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>The scopes of the last request.</summary>
    public IReadOnlyList<string> LastScopes { get; private set; } = [];

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        LastScopes = requestContext.Scopes;
        var number = Interlocked.Increment(ref _issued);
        return new AccessToken("token-" + number, time.GetUtcNow().AddHours(1));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
