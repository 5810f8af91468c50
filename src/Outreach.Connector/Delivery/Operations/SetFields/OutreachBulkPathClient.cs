using System.Globalization;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>The bulk path's Outreach calls, made with the collection reader and the bulk-modify client.</summary>
/// <remarks>
/// Turns what they read into what the bulk pass needs; failures pass through as the clients classified them. Permits
/// are taken by the bulk pass before each call; a reader that splits or halves a list makes extra requests, which the
/// budget learns from Outreach's headers (the pipeline corrects it from every answer).
/// </remarks>
public sealed class OutreachBulkPathClient(IOutreachProspectReader reader, IOutreachBulkClient bulk, IOptions<OutreachBulkOptions> options) : IBulkOutreachClient
{
    /// <inheritdoc />
    public int MaxIdsPerRead => reader.MaxIdsPerRequest;

    /// <inheritdoc />
    public int MaxIdsPerBulkCall => options.Value.MaxIdsPerBulkCall;

    /// <inheritdoc />
    public bool CarriesSeveralFields => options.Value.BulkBodyShape == BulkBodyShape.Attributes;

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadProspectsAsync(IReadOnlyList<long> prospectIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var outcome = await reader.ReadAsync(prospectIds, [.. fields], null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ProspectsRead> read)
        {
            return outcome;
        }

        IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>> values = read.Value.Prospects.ToDictionary(
            p => p.Id,
            IReadOnlyDictionary<string, FieldValue> (p) => p.Attributes.ToDictionary(a => a.Key, a => FieldValue.FromElement(a.Value), StringComparer.Ordinal));
        return new OutreachCallOutcome.Succeeded<IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>>>(values, read.StatusCode, read.RateLimit);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> SubmitAsync(IReadOnlyList<long> prospectIds, IReadOnlyDictionary<string, FieldValue> change, CancellationToken cancellationToken)
    {
        // BulkProspectIds refuses an empty list: a bulk action without ids would modify every prospect.
        var outcome = await bulk.ModifyAsync(new BulkProspectIds(prospectIds), [.. change], null, cancellationToken);
        return outcome is OutreachCallOutcome.Succeeded<BatchStatus> started
            ? new OutreachCallOutcome.Succeeded<string>(started.Value.Id.ToString(CultureInfo.InvariantCulture), started.StatusCode, started.RateLimit)
            : outcome;
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> PollAsync(string batchId, CancellationToken cancellationToken)
    {
        var outcome = await bulk.GetBatchAsync(ParseId(batchId), null, cancellationToken);
        return outcome is OutreachCallOutcome.Succeeded<BatchStatus> { Value: var batch } read
            ? new OutreachCallOutcome.Succeeded<BulkJobProgress>(new BulkJobProgress(batch.IsFinished, batch.Total, batch.Failures), read.StatusCode, read.RateLimit)
            : outcome;
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadFailuresAsync(string batchId, CancellationToken cancellationToken)
    {
        var outcome = await bulk.ReadFailuresAsync(ParseId(batchId), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>> { Value.Items: var failures } read)
        {
            return outcome;
        }

        var ids = failures.Where(f => f.ProspectId is not null).Select(f => f.ProspectId!.Value).ToHashSet();
        var complete = failures.All(f => f.ProspectId is not null);
        return new OutreachCallOutcome.Succeeded<BulkItemFailures>(new BulkItemFailures(ids, complete), read.StatusCode, read.RateLimit);
    }

    private static long ParseId(string batchId) => long.Parse(batchId, CultureInfo.InvariantCulture);
}
