using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The bulk-modify client. Safety first: the ids always travel as <c>actionParams[filter][id][]</c> in the query,
/// <see cref="BulkProspectIds"/> cannot be empty, and the URL is checked once more right before the send.
/// </summary>
/// <remarks>Logs carry batch ids, counts, statuses and field names only, never values.</remarks>
public sealed partial class OutreachBulkClient(
    OutreachApiSender sender,
    IOptions<OutreachBulkOptions> bulkOptions,
    ILogger<OutreachBulkClient> logger) : IOutreachBulkClient
{
    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);
    private readonly OutreachBulkOptions _options = bulkOptions.Value;

    /// <inheritdoc />
    public int MaxIdsPerBulkCall => _options.MaxIdsPerBulkCall;

    /// <inheritdoc />
    public bool CarriesSeveralFields => _options.BulkBodyShape == BulkBodyShape.Attributes;

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ModifyAsync(
        BulkProspectIds ids, IReadOnlyList<KeyValuePair<string, FieldValue>> changes, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(changes);
        if (ids.Count > _options.MaxIdsPerBulkCall)
        {
            return new OutreachCallOutcome.NotSent($"{ids.Count} ids exceed Outreach__MaxIdsPerBulkCall ({_options.MaxIdsPerBulkCall}).");
        }

        if (BulkModifyRequest.Body(_options.BulkBodyShape, ids, changes) is not { } body)
        {
            return new OutreachCallOutcome.NotSent($"The body shape {_options.BulkBodyShape} cannot carry {changes.Count} fields (Outreach__BulkBodyShape).");
        }

        var url = BulkModifyRequest.RelativeUrl(ids);

        // The last check, immediately before the send: the exact URL sent must select exactly these ids.
        if (BulkModifyRequest.FilterProblem(url, ids) is { } problem)
        {
            Log.Refused(logger, ids.Count, problem);
            return new OutreachCallOutcome.NotSent($"Refused: {problem}.");
        }

        var outcome = await sender.SendAsync("POST prospectsBulkModify", () => Request(url, body), beforeSend, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        if (BatchDocumentReader.ReadBatch(succeeded.Value) is not { } batch)
        {
            // Outreach said yes but the batch cannot be followed: report it as a failure the caller must not retry blindly.
            return new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer names no batch.", null, succeeded.RateLimit);
        }

        Log.Started(logger, batch.Id, ids.Count, string.Join(',', changes.Select(change => change.Key)));
        return new OutreachCallOutcome.Succeeded<BatchStatus>(batch, succeeded.StatusCode, succeeded.RateLimit);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> GetBatchAsync(long batchId, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchId);
        var url = string.Create(CultureInfo.InvariantCulture, $"batches/{batchId}");
        var outcome = await sender.SendAsync("GET batch", () => new HttpRequestMessage(HttpMethod.Get, url), beforeSend, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        return BatchDocumentReader.ReadBatch(succeeded.Value) is { } batch
            ? new OutreachCallOutcome.Succeeded<BatchStatus>(batch, succeeded.StatusCode, succeeded.RateLimit)
            : new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer is not a batch.", null, succeeded.RateLimit);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadFailuresAsync(long batchId, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchId);
        return await sender.GetAllPagesAsync(
            "GET batchItems",
            string.Create(CultureInfo.InvariantCulture, $"batchItems?filter[batch][id]={batchId}&filter[failed]=true&page[size]=1000"),
            body => BatchDocumentReader.ReadFailedItems(body, batchId),
            "Outreach's answer is not a batchItems list.",
            beforeEachRequest,
            cancellationToken);
    }

    private static HttpRequestMessage Request(string url, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonApi;
        return request;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "Bulk action started batch {BatchId} for {Count} prospects (fields {Fields})")]
        public static partial void Started(ILogger logger, long batchId, int count, string fields);

        [LoggerMessage(EventId = 2122, Level = LogLevel.Error, Message = "Bulk action for {Count} prospects NOT sent: {Problem}; without an id filter it would modify every prospect")]
        public static partial void Refused(ILogger logger, int count, string problem);
    }
}
