using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Imports;

/// <summary>
/// How <c>POST /imports/actions/bulkUpsert</c> and its imports behave (configuration section <c>Sandbox:Imports</c>;
/// facts and what is UNCONFIRMED: docs/reference/outreach-imports.md).
/// </summary>
/// <remarks>
/// Outreach documents neither the scope, the record shape, the size limit, the timing nor the state names of an
/// import, so each is a setting here; the faults let a client prove it notices an import that did not do its work.
/// </remarks>
public sealed class ImportOptions
{
    /// <summary>The scope <c>bulkUpsert</c> needs (UNCONFIRMED; Outreach's scopes follow <c>resource.action</c>).</summary>
    public string WriteScope { get; set; } = "imports.write";

    /// <summary>The scope <c>GET /imports/{id}</c> needs (UNCONFIRMED).</summary>
    public string ReadScope { get; set; } = "imports.read";

    /// <summary>
    /// Which record shape is accepted: a bare resource object, a <c>{"data":…}</c> document, or both. With one shape
    /// chosen, a record in the other shape refuses the whole request with 422 and a pointer to the record.
    /// </summary>
    public ImportRecordShape RecordShape { get; set; } = ImportRecordShape.Both;

    /// <summary>The most records one request may carry; more is a 422 (Outreach's limit is UNCONFIRMED).</summary>
    public int MaxRecordsPerRequest { get; set; } = 1000;

    /// <summary>How long a new import stays <c>pending</c> before it is <c>processing</c>.</summary>
    public TimeSpan ProcessingDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an import is <c>processing</c>; its records are applied when it ends.</summary>
    public TimeSpan ProcessingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The fraction (0..1) of records that fail: counted in <c>failures</c>, not applied.</summary>
    public double FailureRate { get; set; }

    /// <summary>Seeds the choice of failing records, so a run is repeatable.</summary>
    public int FailureSeed { get; set; } = 1;

    /// <summary>Imports end <c>completed</c> with no failures but change nothing: the silent failure a client must detect by reading back.</summary>
    public bool ApplyNothing { get; set; }

    /// <summary>Every import ends <c>failed</c> with an <c>errorReason</c> and changes nothing.</summary>
    public bool FailEveryImport { get; set; }

    /// <summary>What one call costs in the user's rate limit: one request, or one per record (<c>PerItem</c>); UNCONFIRMED.</summary>
    public BulkRateLimitCost RateLimitCost { get; set; } = BulkRateLimitCost.PerCall;

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SplitScope(WriteScope) is null || SplitScope(ReadScope) is null)
        {
            problems.Add("WriteScope and ReadScope must be scope names of the form resource.action.");
        }

        if (!Enum.IsDefined(RecordShape))
        {
            problems.Add("RecordShape must be Both, Resource or Document.");
        }

        if (MaxRecordsPerRequest < 1)
        {
            problems.Add("MaxRecordsPerRequest must be positive.");
        }

        if (ProcessingDelay < TimeSpan.Zero || ProcessingDuration < TimeSpan.Zero)
        {
            problems.Add("ProcessingDelay and ProcessingDuration must not be negative.");
        }

        if (!(FailureRate >= 0 && FailureRate <= 1))
        {
            problems.Add("FailureRate must be between 0 and 1.");
        }

        if (!Enum.IsDefined(RateLimitCost))
        {
            problems.Add("RateLimitCost must be PerCall or PerItem.");
        }

        return problems;
    }

    /// <summary>A scope name split as the sandbox's scope check wants it (<c>imports.write</c> → imports, write); null when malformed.</summary>
    internal static (string Resource, string Action)? SplitScope(string? scope)
    {
        if (string.IsNullOrEmpty(scope) || scope.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        var dot = scope.LastIndexOf('.');
        return dot > 0 && dot < scope.Length - 1 ? (scope[..dot], scope[(dot + 1)..]) : null;
    }
}

/// <summary>The shape of one item of <c>records</c> (Outreach's documentation does not say which; UNCONFIRMED).</summary>
public enum ImportRecordShape
{
    /// <summary>Either shape is accepted.</summary>
    Both,

    /// <summary>A bare resource object, <c>{"type":"prospect","id":7,"attributes":{…}}</c>.</summary>
    Resource,

    /// <summary>A document, <c>{"data":{"type":"prospect","id":7,"attributes":{…}}}</c> ("a record's data.id" hints at it).</summary>
    Document,
}
