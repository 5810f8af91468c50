namespace Outreach.Connector.EmailMatching;

/// <summary>Settings of email → prospect resolution at delivery (configuration section <c>EmailResolution</c>).</summary>
/// <remarks>
/// Used only when the mapping's <c>identityMatch</c> is <c>email</c>; how duplicates are treated is the mapping's
/// <c>DuplicateEmails</c>, and whether one lookup may carry several emails is <c>Outreach__EmailFilterMultiValue</c>.
/// </remarks>
public sealed class EmailResolutionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "EmailResolution";

    /// <summary>Shortest allowed cache lifetime (positive or negative).</summary>
    public static readonly TimeSpan MinTtl = TimeSpan.FromMinutes(1);

    /// <summary>Longest allowed lifetime of a found prospect in the cache.</summary>
    public static readonly TimeSpan MaxCacheTtl = TimeSpan.FromDays(90);

    /// <summary>Longest allowed lifetime of a "no prospect has this email" answer in the cache.</summary>
    public static readonly TimeSpan MaxNegativeCacheTtl = TimeSpan.FromDays(1);

    /// <summary>
    /// How long the prospect ids found for an email are reused without asking Outreach again. A prospect deleted or
    /// merged in the meantime answers the PATCH with 404, which drops the entry and resolves the email again.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long "no prospect has this email" is reused; shorter than <see cref="CacheTtl"/> because a salesperson may
    /// create the prospect any time.
    /// </summary>
    public TimeSpan NegativeCacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Optional secret (at least 16 characters) that turns the email hash into HMAC-SHA256, so cache keys and ledger
    /// entries cannot be matched to guessed addresses. Unset, the hash is plain SHA-256 (equal to AEP's
    /// <c>Email_LC_SHA256</c> identity). Changing it empties the cache in effect.
    /// </summary>
    public string? HashKey { get; set; }
}
