namespace Outreach.Connector.Outreach;

/// <summary>
/// Settings of the collection reads, email lookups and bulk writes (configuration section <c>Outreach</c>, e.g.
/// <c>Outreach__MaxIdsPerRead</c>). The defaults are safe guesses; <c>probe-outreach</c> reports what an org accepts.
/// </summary>
/// <remarks>Facts and what is UNCONFIRMED: docs/reference/outreach-api.md, bulk actions and filtering.</remarks>
public sealed class OutreachBulkOptions
{
    /// <summary>The configuration section these options are bound from (shared with <see cref="OutreachOptions"/>).</summary>
    public const string SectionName = OutreachOptions.SectionName;

    /// <summary>The most ids in one <c>GET /prospects?filter[id]=…</c>; halved for the client's lifetime when Outreach refuses a list.</summary>
    public int MaxIdsPerRead { get; set; } = 100;

    /// <summary>
    /// Whether <c>filter[emails]</c> may carry several emails (<c>filter[emails][]=a&amp;filter[emails][]=b</c>).
    /// UNCONFIRMED for Outreach, so off: one email per request.
    /// </summary>
    public bool EmailFilterMultiValue { get; set; }

    /// <summary>The most emails in one lookup when <see cref="EmailFilterMultiValue"/> is on.</summary>
    public int MaxEmailsPerLookup { get; set; } = 20;

    /// <summary>The body shape of <c>prospectsBulkModify</c> (the documented shapes disagree; UNCONFIRMED).</summary>
    public BulkBodyShape BulkBodyShape { get; set; } = BulkBodyShape.Attributes;

    /// <summary>The most prospect ids in one bulk call (they travel in the query string, so URL length caps them).</summary>
    public int MaxIdsPerBulkCall { get; set; } = 100;

    /// <summary>
    /// The shape of each record of a <c>bulkUpsert</c> (UNCONFIRMED, docs/reference/outreach-imports.md §4). Default
    /// <see cref="ImportRecordShape.Document"/>: the action's own summary speaks of "a record's <c>data.id</c>";
    /// <c>probe-outreach</c> prints the shape the org accepted.
    /// </summary>
    public ImportRecordShape ImportRecordShape { get; set; } = ImportRecordShape.Document;

    /// <summary>Checks the values; each problem names the setting as typed in app settings.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(problems, nameof(MaxIdsPerRead), MaxIdsPerRead, 1000);
        Check(problems, nameof(MaxEmailsPerLookup), MaxEmailsPerLookup, 1000);
        Check(problems, nameof(MaxIdsPerBulkCall), MaxIdsPerBulkCall, 1000);
        if (!Enum.IsDefined(BulkBodyShape))
        {
            problems.Add($"Outreach__{nameof(BulkBodyShape)} must be Attributes, FieldNameValue or FieldValue.");
        }

        if (!Enum.IsDefined(ImportRecordShape))
        {
            problems.Add($"Outreach__{nameof(ImportRecordShape)} must be Resource or Document.");
        }

        return problems;
    }

    private static void Check(List<string> problems, string name, int value, int max)
    {
        if (value < 1 || value > max)
        {
            problems.Add($"Outreach__{name} must be between 1 and {max} (it is {value}).");
        }
    }
}

/// <summary>Which documented body <c>prospectsBulkModify</c> is sent with (the id filter is always in the query too).</summary>
public enum BulkBodyShape
{
    /// <summary><c>{"data":{"attributes":{"custom1":"x",…,"ids":[…]}}}</c>: any number of fields (the OpenAPI shape).</summary>
    Attributes,

    /// <summary><c>{"data":{"attributes":{"fieldName":"custom1","fieldValue":"x","ids":[…]}}}</c>: one field.</summary>
    FieldNameValue,

    /// <summary><c>{"data":{"attributes":{"field":"custom1","value":"x"}}}</c>: one field (the bulk-API page's example).</summary>
    FieldValue,
}
