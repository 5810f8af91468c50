using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Counters;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The blast-radius guard: at most <c>Sequences__MaxEnrolmentsPerHour</c> enrolments per audience per clock hour (UTC),
/// counted across every drainer in one row per (audience, hour) of <c>{prefix}SequenceEnrolments</c> (partition
/// <c>guard</c>), so that a backfill or a wrong audience definition cannot start a sequence for thousands at once.
/// </summary>
/// <remarks>
/// A place is taken before the send and not given back when the send fails: the guard errs on the side of fewer emails.
/// Reservations are conditional on the row's ETag, so two drainers never both take the last places.
/// </remarks>
public sealed class EnrolmentGuard(DeliveryTables tables, IOptions<SequenceOptions> options, TimeProvider time)
{
    private const string GuardPartition = "guard";
    private const int MaxConflicts = 20;

    /// <summary>The configured most enrolments per audience per hour.</summary>
    public int MaxPerHour => options.Value.MaxEnrolmentsPerHour;

    /// <summary>Takes up to <paramref name="wanted"/> places of this hour for the audience; returns how many were granted.</summary>
    public async Task<int> ReserveAsync(int mappingId, int wanted, CancellationToken cancellationToken)
    {
        if (wanted <= 0)
        {
            return 0;
        }

        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var key = RowKey(mappingId, time.GetUtcNow());
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(GuardPartition, key, cancellationToken: cancellationToken);
            var used = found.HasValue && found.Value is { } row ? row.GetInt32("Count") ?? 0 : 0;
            var granted = Math.Min(wanted, Math.Max(0, MaxPerHour - used));
            if (granted == 0)
            {
                return 0;
            }

            var updated = new TableEntity(GuardPartition, key) { ["Count"] = used + granted };
            try
            {
                if (found.HasValue && found.Value is { } existing)
                {
                    await table.UpdateEntityAsync(updated, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(updated, cancellationToken);
                }

                return granted;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another drainer reserved at the same moment: read again.
            }
        }

        return 0;
    }

    /// <summary>Enrolments counted for the audience in the current hour.</summary>
    public async Task<int> UsedThisHourAsync(int mappingId, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(GuardPartition, RowKey(mappingId, time.GetUtcNow()), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } row ? row.GetInt32("Count") ?? 0 : 0;
    }

    private static string RowKey(int mappingId, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{mappingId}-{DeliveryCounters.HourKey(now)}");
}
