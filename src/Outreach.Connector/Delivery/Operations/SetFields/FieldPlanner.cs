using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// The plan step of setting fields: one <see cref="ProspectPlan"/> per prospect, made once. Reads each prospect's
/// versions (a few at a time), drops stale and duplicate fields, drops values Outreach already holds (by the stored
/// version, and for never-written prospects by reading them in bulk), and completes prospects with nothing left to
/// send. Whatever writes a prospect afterwards works from its plan and never reads or filters again.
/// </summary>
/// <remarks>
/// A prospect with a field a bulk job is still writing (<see cref="InFlightBulkWrites"/>) is not planned: it waits
/// for the job, so its newer value goes after it.
/// </remarks>
public sealed partial class FieldPlanner(
    IOutreachProspectReader reader,
    FieldVersionStore versions,
    InFlightBulkWrites inFlight,
    IOptions<BulkWriteOptions> bulkOptions,
    ILogger<FieldPlanner> logger)
{
    private readonly BulkWriteOptions _options = bulkOptions.Value;

    /// <summary>Plans the groups into <paramref name="run"/>; storage failures throw (<see cref="Azure.RequestFailedException"/>).</summary>
    internal async Task<IReadOnlyList<ProspectPlan>> PlanAsync(SetFieldsRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var plans = await ReadVersionsAsync(run, groups, cancellationToken);
        if (_options.ReadBeforeWrite && run.ReadBeforeWrite)
        {
            await ReadBeforeFirstWriteAsync(run, plans, cancellationToken);
        }

        run.Count(Names.SkippedUnchanged, plans.Sum(e => e.Unchanged.Count));
        await RecordUnchangedAsync(run, [.. plans.Where(e => e.Fresh.Count == 0)], cancellationToken);
        return [.. plans.Where(e => e.Fresh.Count > 0)];
    }

    // Per prospect: what is still to send after stale, duplicate and (unless resending) unchanged fields are dropped.
    // A prospect with nothing left is complete without a request. Reads run a few at a time (one point read each).
    private async Task<List<ProspectPlan>> ReadVersionsAsync(SetFieldsRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var open = groups.Where(g => inFlight.Blocking(g.ProspectId, g.Fields.Keys) is null).ToList();
        var applied = new AppliedFieldVersions[open.Count];
        await Parallel.ForAsync(0, open.Count, SetFieldsRun.Concurrently(cancellationToken), async (i, ct) =>
            applied[i] = await versions.ReadAsync(open[i].ProspectId, ct));

        var entries = new List<ProspectPlan>(open.Count);
        for (var i = 0; i < open.Count; i++)
        {
            var filtered = StaleFieldFilter.Filter(open[i].Fields, applied[i].Fields);
            var entry = new ProspectPlan(open[i], applied[i], filtered.Fresh) { Stale = filtered.Stale, Duplicate = filtered.Duplicate };
            if (!_options.ResendUnchanged)
            {
                entry.AddUnchanged(UnchangedFields.AlreadyApplied(filtered.Fresh, applied[i].Fields));
            }

            if (entry.Fresh.Count == 0 && entry.Unchanged.Count == 0)
            {
                run.UpToDate(entry);
                continue;
            }

            entries.Add(entry);
            run.Plans[entry.Group.ProspectId] = entry;
        }

        return entries;
    }

    // Prospects never written: one collection GET per chunk of ids, and fields already equal in Outreach are held.
    private async Task ReadBeforeFirstWriteAsync(SetFieldsRun run, List<ProspectPlan> entries, CancellationToken cancellationToken)
    {
        var neverWritten = entries.Where(e => e.NeverWritten && e.Fresh.Count > 0).ToList();
        foreach (var chunk in neverWritten.Chunk(Math.Max(1, reader.MaxIdsPerRequest)))
        {
            if (!run.MaySend || !await run.TakeAsync(1, cancellationToken))
            {
                return;
            }

            var fields = chunk.SelectMany(e => e.Fresh.Keys).Distinct(StringComparer.Ordinal).ToList();
            var outcome = await reader.ReadAsync([.. chunk.Select(e => e.Group.ProspectId)], fields, null, cancellationToken);
            run.Count(Names.ReadRequests, 1);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            if (outcome is not OutreachCallOutcome.Succeeded<ProspectsRead> { Value: var read })
            {
                // Without the current values the PATCH path sends everything, as before read-before-write existed.
                LogReadFailed(logger, chunk.Length, outcome.GetType().Name);
                await run.StopOnRateLimitAsync(outcome, cancellationToken);
                return;
            }

            var values = read.ValuesById();
            run.Count(Names.ProspectsRead, values.Count);
            foreach (var entry in chunk)
            {
                if (values.TryGetValue(entry.Group.ProspectId, out var held))
                {
                    entry.AddUnchanged(UnchangedFields.SameInOutreach(entry.Fresh, held));
                }
            }
        }
    }

    /// <summary>
    /// One version write per prospect for the fields Outreach already holds; they then count as applied, and a
    /// prospect with nothing else to send is up to date. Prospects left for their own PATCH are not written here: their
    /// unchanged fields travel in their plans and are recorded with the PATCH's own write.
    /// </summary>
    internal async Task RecordUnchangedAsync(SetFieldsRun run, List<ProspectPlan> entries, CancellationToken cancellationToken)
    {
        var holding = entries.Where(e => e.Unchanged.Count > 0 && !e.UnchangedRecorded).ToList();
        await Parallel.ForEachAsync(holding, SetFieldsRun.Concurrently(cancellationToken), async (entry, ct) =>
        {
            var held = entry.Unchanged.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
            entry.Known = (await versions.RecordAppliedAsync(entry.Group.ProspectId, held, entry.Known, ct)).After;
            entry.UnchangedRecorded = true;
        });

        foreach (var entry in entries.Where(e => e.Fresh.Count == 0))
        {
            run.UpToDate(entry);
        }
    }

    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Reading {Prospects} prospects before their first write failed ({Outcome}); their fields are sent without comparing")]
    private static partial void LogReadFailed(ILogger logger, int prospects, string outcome);
}
