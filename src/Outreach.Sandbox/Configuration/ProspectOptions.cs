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
}
