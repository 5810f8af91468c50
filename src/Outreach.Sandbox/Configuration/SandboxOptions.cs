using Outreach.Sandbox.Faults;

namespace Outreach.Sandbox.Configuration;

/// <summary>Everything the sandbox is told at start; bound from the configuration section <c>Sandbox</c>.</summary>
/// <remarks>
/// Collections start empty on purpose: the configuration binder appends to pre-filled lists, so the demo client and
/// demo user are added by <see cref="ApplyDefaults"/> only when none are configured.
/// </remarks>
public sealed class SandboxOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Sandbox";

    /// <summary>Registered OAuth applications; the demo client when empty.</summary>
    public IList<SandboxClient> Clients { get; init; } = [];

    /// <summary>Outreach users who can sign in; each has its own rate-limit bucket. The demo user when empty.</summary>
    public IList<SandboxUser> Users { get; init; } = [];

    /// <summary>Token lifetimes, rotation and minting rules.</summary>
    public OAuthOptions OAuth { get; init; } = new();

    /// <summary>The seeded prospects and PATCH validation quirks.</summary>
    public ProspectOptions Prospects { get; init; } = new();

    /// <summary><c>POST /prospects</c>: email uniqueness ("Purposeful Duplicates"), refused domains, dropped answers.</summary>
    public ProspectCreationOptions ProspectCreation { get; init; } = new();

    /// <summary>Sequences, mailboxes and sequence states: the seeded ones, the ruleset and the scope names.</summary>
    public SequenceOptions Sequences { get; init; } = new();

    /// <summary>Bulk actions (<c>prospectsBulkModify</c>) and their asynchronous batches.</summary>
    public BulkOptions Bulk { get; init; } = new();

    /// <summary>Imports (<c>bulkUpsert</c>): record shape, limits, timing and faults.</summary>
    public Imports.ImportOptions Imports { get; init; } = new();

    /// <summary>The per-user request limit and how its headers are written.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>Faults active from the start; changeable at runtime through <c>PUT /admin/faults</c>.</summary>
    public FaultSettings Faults { get; init; } = new();

    /// <summary>How many requests the admin request log keeps (oldest dropped first).</summary>
    public int RequestLogCapacity { get; set; } = 100_000;

    /// <summary>Adds the demo client and user when none are configured, so a bare <c>dotnet run</c> works.</summary>
    public SandboxOptions ApplyDefaults()
    {
        if (Clients.Count == 0)
        {
            Clients.Add(SandboxClient.CreateDemo());
        }

        if (Users.Count == 0)
        {
            Users.Add(SandboxUser.CreateDemo());
        }

        Sequences.ApplyDefaults(Users[0].Email);

        return this;
    }
}
