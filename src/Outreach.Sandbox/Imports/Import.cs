using System.Text.Json;

namespace Outreach.Sandbox.Imports;

/// <summary>
/// One <c>bulkUpsert</c> import: <c>pending</c> until <see cref="ProcessingAt"/>, <c>processing</c> until
/// <see cref="FinishAt"/>, then <c>completed</c> or <c>failed</c>; its records are applied when it finishes.
/// </summary>
/// <remarks>
/// The state names are the sandbox's own: Outreach's documentation lists none (UNCONFIRMED), so a client must treat
/// any name it does not know as "not finished yet" and confirm the outcome by reading the prospects back.
/// </remarks>
internal sealed class Import(
    long id, string dupeMethod, string fileName, long fileSize, IReadOnlyList<ImportRecord> records, DateTimeOffset createdAt, DateTimeOffset processingAt, DateTimeOffset finishAt)
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>The <c>importType</c> of every sandbox import: only prospect records are simulated.</summary>
    public const string ProspectImportType = "prospect";

    public long Id { get; } = id;

    public string DupeMethod { get; } = dupeMethod;

    public string FileName { get; } = fileName;

    /// <summary>The size of the request body in bytes (the sandbox's stand-in for the stored file's size).</summary>
    public long FileSize { get; } = fileSize;

    public IReadOnlyList<ImportRecord> Records { get; } = records;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset ProcessingAt { get; } = processingAt;

    public DateTimeOffset FinishAt { get; } = finishAt;

    public string State { get; private set; } = Pending;

    public DateTimeOffset StateChangedAt { get; private set; } = createdAt;

    /// <summary>Records counted as failed (not applied); known once the import finished.</summary>
    public int Failures { get; set; }

    /// <summary>Records whose id matched an existing prospect; known once the import finished.</summary>
    public int Dupes { get; set; }

    public string? ErrorReason { get; set; }

    /// <summary>The prospects this import created (only dupe methods other than <c>overwriteNoCreate</c> create).</summary>
    public List<long> CreatedProspectIds { get; } = [];

    public void MoveTo(string state, DateTimeOffset at)
    {
        State = state;
        StateChangedAt = at;
    }
}

/// <summary>One record of a <c>bulkUpsert</c>: the prospect it names (null when it names none) and the attributes it sets.</summary>
/// <param name="ProspectId">The record's <c>id</c>; a record without one is a new prospect for every dupe method but <c>overwriteNoCreate</c>.</param>
/// <param name="Changes">The attributes, validated like a PATCH's and detached from the request.</param>
internal sealed record ImportRecord(long? ProspectId, IReadOnlyList<KeyValuePair<string, JsonElement>> Changes);
