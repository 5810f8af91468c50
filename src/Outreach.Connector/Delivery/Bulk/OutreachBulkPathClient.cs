using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>The bulk path's Outreach calls, made with the collection reader and the bulk-modify client.</summary>
/// <remarks>
/// Maps their closed results onto <see cref="BulkCallOutcome"/>. Permits are taken by the bulk pass before each call;
/// a reader that splits or halves a list makes extra requests, which the budget learns from Outreach's headers.
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
    public async Task<BulkCallOutcome> ReadProspectsAsync(IReadOnlyList<long> prospectIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var outcome = await reader.ReadAsync(prospectIds, [.. fields], null, cancellationToken);
        switch (outcome)
        {
            case ProspectReadOutcome.Read read:
                IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>> values = read.Prospects.ToDictionary(
                    p => p.Id,
                    IReadOnlyDictionary<string, FieldValue> (p) => p.Attributes.ToDictionary(a => a.Key, a => FieldValue.FromElement(a.Value), StringComparer.Ordinal));
                return new BulkCallOutcome.Succeeded<IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>>>(values, read.RateLimit);
            case ProspectReadOutcome.Failed failed:
                return Map(failed.Failure);
            default:
                throw new InvalidOperationException($"Unknown read outcome {outcome.GetType().Name}.");
        }
    }

    /// <inheritdoc />
    public async Task<BulkCallOutcome> SubmitAsync(IReadOnlyList<long> prospectIds, IReadOnlyDictionary<string, FieldValue> change, CancellationToken cancellationToken)
    {
        // BulkProspectIds refuses an empty list: a bulk action without ids would modify every prospect.
        var outcome = await bulk.ModifyAsync(new BulkProspectIds(prospectIds), [.. change], null, cancellationToken);
        return outcome switch
        {
            BulkModifyOutcome.Started started => new BulkCallOutcome.Succeeded<string>(
                started.Batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), started.RateLimit),
            BulkModifyOutcome.NotSent notSent => new BulkCallOutcome.NotSent(notSent.Reason),
            BulkModifyOutcome.Failed failed => Map(failed.Failure),
            _ => throw new InvalidOperationException($"Unknown bulk outcome {outcome.GetType().Name}."),
        };
    }

    /// <inheritdoc />
    public async Task<BulkCallOutcome> PollAsync(string batchId, CancellationToken cancellationToken)
    {
        var outcome = await bulk.GetBatchAsync(ParseId(batchId), null, cancellationToken);
        return outcome switch
        {
            BatchStatusOutcome.Read read => new BulkCallOutcome.Succeeded<BulkJobProgress>(
                new BulkJobProgress(read.Batch.IsFinished, read.Batch.Total, read.Batch.Failures), read.RateLimit),
            BatchStatusOutcome.Failed failed => Map(failed.Failure),
            _ => throw new InvalidOperationException($"Unknown batch outcome {outcome.GetType().Name}."),
        };
    }

    /// <inheritdoc />
    public async Task<BulkCallOutcome> ReadFailuresAsync(string batchId, CancellationToken cancellationToken)
    {
        var outcome = await bulk.ReadFailuresAsync(ParseId(batchId), null, cancellationToken);
        switch (outcome)
        {
            case BatchFailuresOutcome.Read read:
                var ids = read.Failures.Where(f => f.ProspectId is not null).Select(f => f.ProspectId!.Value).ToHashSet();
                var complete = read.Failures.All(f => f.ProspectId is not null);
                return new BulkCallOutcome.Succeeded<BulkItemFailures>(new BulkItemFailures(ids, complete), read.RateLimit);
            case BatchFailuresOutcome.Failed failed:
                return Map(failed.Failure);
            default:
                throw new InvalidOperationException($"Unknown failures outcome {outcome.GetType().Name}.");
        }
    }

    private static long ParseId(string batchId) => long.Parse(batchId, System.Globalization.CultureInfo.InvariantCulture);

    private static BulkCallOutcome Map(OutreachCallOutcome failure) => failure switch
    {
        OutreachCallOutcome.RateLimited limited => new BulkCallOutcome.RateLimited(limited.RetryAt, limited.RateLimit),
        OutreachCallOutcome.Permanent permanent => new BulkCallOutcome.Refused(
            permanent.StatusCode, permanent.FirstError?.Id ?? permanent.FirstError?.Title ?? "refused", permanent.IsMissingScope, permanent.RateLimit),
        OutreachCallOutcome.Unauthorized unauthorized => new BulkCallOutcome.Unauthorized(unauthorized.Reason, unauthorized.RateLimit),
        OutreachCallOutcome.Transient transient => new BulkCallOutcome.Transient(transient.Reason, transient.RateLimit),
        _ => new BulkCallOutcome.Transient($"Unexpected outcome {failure.GetType().Name}.", failure.RateLimit),
    };
}
