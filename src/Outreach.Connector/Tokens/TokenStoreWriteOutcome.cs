namespace Outreach.Connector.Tokens;

/// <summary>The result of saving a connection's tokens: saved with a new version, or refused because the entry changed.</summary>
/// <param name="Saved">True when the tokens were written.</param>
/// <param name="Version">The new version when saved; null on conflict.</param>
public readonly record struct TokenStoreWriteOutcome(bool Saved, string? Version)
{
    /// <summary>The entry was written and now has <paramref name="version"/>.</summary>
    public static TokenStoreWriteOutcome Success(string version) => new(true, version);

    /// <summary>The entry's version was not the expected one: someone else wrote first.</summary>
    public static TokenStoreWriteOutcome Conflict => new(false, null);
}
