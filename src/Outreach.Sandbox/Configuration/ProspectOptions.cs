namespace Outreach.Sandbox.Configuration;

/// <summary>The seeded prospects and PATCH validation switches.</summary>
public sealed class ProspectOptions
{
    /// <summary>Prospects with ids 1..SeedCount exist at start (and after <c>POST /admin/reset</c>).</summary>
    public int SeedCount { get; set; } = 1000;

    /// <summary>Custom field numbers (1..150) treated as "not created in this org": writing them gives 422.</summary>
    public IList<int> MissingCustomFields { get; init; } = [];

    /// <summary>
    /// Write the 415 message under <c>details</c> instead of <c>detail</c>, as Outreach's docs example does,
    /// to exercise a client's tolerant error parsing.
    /// </summary>
    public bool UnsupportedMediaTypeUsesDetailsKey { get; set; }

    /// <summary>
    /// Seeds duplicate emails: every N-th prospect (N, 2N, …) gets the email of the prospect before it, as an org with
    /// Outreach's "Purposeful Duplicates" would have. 0 (default) seeds no duplicates.
    /// </summary>
    public int DuplicateEmailEvery { get; set; }

    /// <summary>
    /// Whether <c>filter[emails]=</c> compares case-sensitively. Outreach's behaviour is UNCONFIRMED; the default
    /// (false) ignores case, as a case-insensitive database collation would.
    /// </summary>
    public bool EmailFilterCaseSensitive { get; set; }

    /// <summary>
    /// Whether <c>filter[emails]</c> accepts several emails (<c>a,b</c> or <c>filter[emails][]=a&amp;filter[emails][]=b</c>).
    /// UNCONFIRMED for Outreach, so off by default; when off, the whole value is taken as ONE literal email (so a list
    /// silently matches nothing), the worst case for a client that assumes lists work.
    /// </summary>
    public bool EmailFilterMultiValue { get; set; }

    /// <summary>
    /// The most values one list filter (<c>filter[id]</c>, <c>filter[emails]</c>, a bulk action's id filter) may hold;
    /// longer lists are refused with <see cref="FilterListTooLongStatus"/>. Outreach's limit is UNCONFIRMED (URL length).
    /// </summary>
    public int MaxFilterListLength { get; set; } = 1000;

    /// <summary>The status a too-long filter list is refused with: 400, 414 (as a web server would) or 422.</summary>
    public int FilterListTooLongStatus { get; set; } = StatusCodes.Status414UriTooLong;
}
