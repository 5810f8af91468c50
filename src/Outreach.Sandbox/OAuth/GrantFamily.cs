namespace Outreach.Sandbox.OAuth;

/// <summary>Per user and app: how many token pairs were issued and when the last access token was minted.</summary>
internal sealed class GrantFamily
{
    public long IssuedCount { get; set; }

    public DateTimeOffset? LastMintedAt { get; set; }
}
