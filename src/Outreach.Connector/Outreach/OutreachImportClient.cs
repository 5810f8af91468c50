using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The import client (docs/reference/outreach-imports.md), on the one pipeline (<see cref="OutreachApiSender"/>).
/// Safety first: the dupe method is a constant (<see cref="BulkUpsertRequest.DupeMethod"/>), never a parameter, every
/// record names an existing prospect's id, and the exact body is checked once more right before the send.
/// </summary>
/// <remarks>Logs carry import ids, counts and statuses only, never values.</remarks>
public sealed partial class OutreachImportClient(
    OutreachApiSender sender,
    IOptions<OutreachBulkOptions> bulkOptions,
    TimeProvider time,
    ILogger<OutreachImportClient> logger) : IOutreachImportClient
{
    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);
    private readonly OutreachBulkOptions _options = bulkOptions.Value;

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> UpsertAsync(IReadOnlyList<ImportRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0 || records.Any(r => r.ProspectId <= 0 || r.Attributes.Count == 0))
        {
            return new OutreachCallOutcome.NotSent("An import record must name an existing prospect and set at least one attribute.");
        }

        // "The filename Outreach is going to use to store records during processing": unique per call, no personal data.
        var fileName = string.Create(CultureInfo.InvariantCulture, $"aep-connector-{time.GetUtcNow():yyyyMMddHHmmssfff}-{records.Count}.json");
        var body = BulkUpsertRequest.Body(records, _options.ImportRecordShape, fileName);
        if (BulkUpsertRequest.SafetyProblem(body, records.Select(r => r.ProspectId).ToHashSet()) is { } problem)
        {
            Log.Refused(logger, records.Count, problem);
            return new OutreachCallOutcome.NotSent($"Refused: {problem}.");
        }

        var outcome = await sender.SendAsync("POST imports bulkUpsert", () => Request(body), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        if (ImportStatus.Read(succeeded.Value) is not { } import)
        {
            // Outreach said yes but names no import to follow: the caller must read its prospects to know.
            return new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer names no import.", null, succeeded.RateLimit);
        }

        Log.Started(logger, import.Id, records.Count, import.State ?? "");
        return new OutreachCallOutcome.Succeeded<ImportStatus>(import, succeeded.StatusCode, succeeded.RateLimit);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> GetImportAsync(long importId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(importId);
        var url = string.Create(CultureInfo.InvariantCulture, $"imports/{importId}");
        var outcome = await sender.SendAsync("GET import", () => new HttpRequestMessage(HttpMethod.Get, url), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        return ImportStatus.Read(succeeded.Value) is { } import
            ? new OutreachCallOutcome.Succeeded<ImportStatus>(import, succeeded.StatusCode, succeeded.RateLimit)
            : new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer is not an import.", null, succeeded.RateLimit);
    }

    private static HttpRequestMessage Request(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BulkUpsertRequest.RelativeUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonApi;
        return request;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2131, Level = LogLevel.Information, Message = "Import {ImportId} started for {Count} prospect records (state {State})")]
        public static partial void Started(ILogger logger, long importId, int count, string state);

        [LoggerMessage(EventId = 2132, Level = LogLevel.Error, Message = "Import of {Count} records NOT sent: {Problem}")]
        public static partial void Refused(ILogger logger, int count, string problem);
    }
}
