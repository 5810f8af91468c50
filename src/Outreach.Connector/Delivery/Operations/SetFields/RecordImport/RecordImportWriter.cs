using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;
using ReadValues = System.Collections.Generic.IReadOnlyDictionary<long, System.Collections.Generic.IReadOnlyDictionary<string, Outreach.Connector.Updates.FieldValue>>;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Per-record bulk writes, the call of <see cref="SetFieldsOperation"/> between <see cref="SharedChangeWriter"/> and
/// <see cref="FieldPatcher"/>: prospects whose remaining changes differ go, in groups of
/// <c>Delivery__PerRecordBulkGroupSize</c>, as one <c>bulkUpsert</c> each (only <c>overwriteNoCreate</c>; each record
/// carries only the fields that prospect still needs). Verified, not trusted: the import is followed to its end within
/// the run's bulk wait, then its prospects are read back (one <c>filter[id]</c> GET per <c>Outreach__MaxIdsPerRead</c>
/// ids) and compared; a prospect whose fields did not all land goes on to its PATCH with what is missing.
/// </summary>
/// <remarks>
/// <para>
/// Versions are recorded only for what the read-back shows Outreach holds. An import that is refused, fails, does not
/// finish within the wait, or applies nothing sends its whole group by PATCH, and tells
/// <see cref="PerRecordBulkAvailability"/>, which in <c>auto</c> mode turns imports off after several in a row.
/// </para>
/// <para>
/// Every request takes a permit from the shared budget under the run's deadline; a 429 or refused credentials stop the
/// bulk path (the PATCH path meets the same stop). Before a prospect goes into an import the batch must still hold its
/// claim (<see cref="Claims.ProspectClaimSet"/>). An import is never waited for past its batch: one that stalls is given up and
/// its prospects are written by PATCH, with the same values; as it may still apply later, <see cref="StalledImports"/>
/// holds later writes of its fields until it is seen finished.
/// </para>
/// </remarks>
public sealed partial class RecordImportWriter(
    IOutreachImportClient imports,
    IOutreachProspectReader reader,
    FieldVersionStore versions,
    PerRecordBulkAvailability availability,
    StalledImports stalled,
    IOptions<PerRecordBulkOptions> options,
    TimeProvider time,
    ILogger<RecordImportWriter> logger)
{
    private readonly PerRecordBulkOptions _options = options.Value;

    /// <summary>Reads the imports given up earlier that are due or hold up a prospect of this batch (<see cref="StalledImports"/>).</summary>
    internal Task FollowStalledAsync(SetFieldsRun run, IReadOnlyList<Coalescing.CoalescedUpdate> groups, CancellationToken cancellationToken) =>
        stalled.FollowAsync(run, groups, cancellationToken);

    /// <summary>When the group may be written, if an import given up by another batch writes one of its fields; else null.</summary>
    internal DateTimeOffset? BlockedUntil(BatchRun batch, Coalescing.CoalescedUpdate group, DateTimeOffset now) => stalled.BlockedUntil(batch, group, now);

    /// <summary>How this batch uses imports (<see cref="PerRecordBulkAvailability.DecideAsync"/>).</summary>
    public Task<ImportUse> DecideAsync(CancellationToken cancellationToken) => availability.DecideAsync(cancellationToken);

    /// <summary>
    /// Sends the plans not completed yet in imports (all of them, or the trial's few), follows and verifies each, and
    /// completes the prospects whose fields landed; the others are left, with what is still missing, for their PATCH.
    /// </summary>
    internal async Task WriteAsync(SetFieldsRun run, IReadOnlyList<ProspectPlan> plans, ImportUse use, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plans);
        if (use == ImportUse.Off)
        {
            return;
        }

        var open = plans.Where(p => p.Fresh.Count > 0 && !run.Completed.Contains(p.Group) && run.Batch.FateOf(p.Group.Messages[0]) is null).ToList();
        if (use == ImportUse.Full && !IsWorthwhile(open.Count))
        {
            return;
        }

        var size = use == ImportUse.Trial ? _options.PerRecordBulkTrialSize : _options.PerRecordBulkGroupSize;
        var held = new List<ProspectPlan>();
        foreach (var plan in use == ImportUse.Trial ? open.Take(size) : open)
        {
            // Held as for any write: a prospect another drainer took over is deferred, not written.
            if (await run.Batch.Claims.KeepsAsync(run.Batch, plan.Group, cancellationToken))
            {
                held.Add(plan);
            }
        }

        var minimum = use == ImportUse.Trial ? 1 : _options.PerRecordBulkMinGroupSize;
        var started = await SubmitAsync(run, Groups(held, size, minimum), cancellationToken);
        await FollowAsync(run, started, cancellationToken);
    }

    /// <summary>Whether an import for this many prospects saves requests (<c>Delivery__PerRecordBulkMinGroupSize</c>); fewer go by PATCH.</summary>
    public bool IsWorthwhile(int prospects) => prospects >= _options.PerRecordBulkMinGroupSize;

    // Groups of at most `size`, as even as possible, so that 101 prospects go as 51 + 50 rather than 100 + 1. A group
    // below the minimum (when claims lost on the way left too few) is not sent: its prospects go by PATCH.
    private static IEnumerable<ProspectPlan[]> Groups(List<ProspectPlan> held, int size, int minimum)
    {
        var count = (held.Count + size - 1) / size;
        for (int i = 0, taken = 0; i < count; i++)
        {
            var length = (held.Count - taken) / (count - i);
            if (length >= minimum)
            {
                yield return [.. held.Skip(taken).Take(length)];
            }

            taken += length;
        }
    }

    private async Task<List<StartedImport>> SubmitAsync(SetFieldsRun run, IEnumerable<ProspectPlan[]> groups, CancellationToken cancellationToken)
    {
        var started = new List<StartedImport>();
        foreach (var group in groups)
        {
            if (!run.MaySend || !await run.TakeAsync(1, cancellationToken))
            {
                break;
            }

            var records = group.Select(p => new ImportRecord(
                p.Group.ProspectId, [.. p.Fresh.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Change.Value))])).ToList();
            var outcome = await imports.UpsertAsync(records, cancellationToken);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            switch (outcome)
            {
                case OutreachCallOutcome.Succeeded<ImportStatus> accepted:
                    var now = time.GetUtcNow();
                    started.Add(new StartedImport(accepted.Value, group, now + _options.ImportFirstPoll));
                    run.WaitFrom(now);
                    run.Count(Names.ImportCalls, 1);
                    run.Count(Names.ImportRecords, group.Length);
                    continue;

                case OutreachCallOutcome.NotSent notSent:
                    LogNotSent(logger, group.Length, notSent.Reason);
                    FellBack(run, group);
                    continue;

                case OutreachCallOutcome.Permanent refused:
                    // A missing scope (403), an org without the endpoint (404), a record shape it does not take (422):
                    // nothing was imported. Counted against imports, so auto mode stops trying after a few.
                    run.Count(Names.ImportsFailed, 1);
                    FellBack(run, group);
                    await availability.UnconfirmedAsync(
                        string.Create(CultureInfo.InvariantCulture, $"bulkUpsert refused: HTTP {refused.StatusCode} {refused.Reason}{Pointer(refused)}"), cancellationToken);
                    if (await availability.DecideAsync(cancellationToken) == ImportUse.Off)
                    {
                        return started;
                    }

                    continue;

                default:
                    // 429, 401 or a passing failure: these prospects go the PATCH path, which handles each of those.
                    LogNotSent(logger, group.Length, outcome.GetType().Name);
                    FellBack(run, group);
                    await run.StopOnRateLimitAsync(outcome, cancellationToken);
                    return started;
            }
        }

        return started;
    }

    // Follows the imports to their end (within the run's deadline), then verifies each finished one by read-back.
    private async Task FollowAsync(SetFieldsRun run, List<StartedImport> started, CancellationToken cancellationToken)
    {
        var waiting = new List<StartedImport>(started);
        while (waiting.Count > 0 && run.MaySend)
        {
            var next = waiting.Min(i => i.NextPollAt);
            if (next > run.Deadline)
            {
                break;
            }

            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            foreach (var import in waiting.Where(i => i.NextPollAt <= time.GetUtcNow()).ToList())
            {
                if (await PollAsync(run, import, cancellationToken))
                {
                    waiting.Remove(import);
                    await VerifyAsync(run, import, cancellationToken);
                }
                else if (!run.MaySend)
                {
                    break;
                }
            }
        }

        foreach (var import in waiting)
        {
            // Given up within this batch: its prospects are written by PATCH now, with the same values, and later writes
            // of its fields wait until Outreach says it finished (it cannot be cancelled and may still apply).
            run.Count(Names.ImportsStalled, 1);
            stalled.Remember(run.Batch, import.Status.Id, import.Plans);
            FellBack(run, import.Plans);
            LogStalled(logger, import.Status.Id, import.Plans.Length, import.Status.State ?? "");
            if (run.MaySend)
            {
                await availability.UnconfirmedAsync(
                    string.Create(CultureInfo.InvariantCulture, $"import {import.Status.Id} still '{import.Status.State}' when its wait ended"), cancellationToken);
            }
        }
    }

    // One status read; true when the import is done with (finished, or its status cannot be read and the read-back decides).
    private async Task<bool> PollAsync(SetFieldsRun run, StartedImport import, CancellationToken cancellationToken)
    {
        if (!await run.TakeAsync(1, cancellationToken))
        {
            return false;
        }

        var outcome = await imports.GetImportAsync(import.Status.Id, cancellationToken);
        run.Count(Names.ImportPolls, 1);
        run.Count(Names.Requests, 1);
        run.Observe(outcome);
        import.NextPollAt = time.GetUtcNow() + _options.ImportPollInterval;
        switch (outcome)
        {
            case OutreachCallOutcome.Succeeded<ImportStatus> read:
                import.Status = read.Value;
                return read.Value.Finished;
            case OutreachCallOutcome.Permanent:
                // The status cannot be read (e.g. imports.read missing): the read-back alone decides what landed.
                import.StatusUnreadable = true;
                return true;
            default:
                LogPollFailed(logger, import.Status.Id, outcome.GetType().Name);
                await run.StopOnRateLimitAsync(outcome, cancellationToken);
                return false;
        }
    }

    private async Task VerifyAsync(SetFieldsRun run, StartedImport import, CancellationToken cancellationToken)
    {
        if (import.Status.Failed)
        {
            run.Count(Names.ImportsFailed, 1);
            FellBack(run, import.Plans);
            await availability.UnconfirmedAsync(
                string.Create(CultureInfo.InvariantCulture, $"import {import.Status.Id} ended '{import.Status.State}'{(import.Status.ErrorReason is null ? "" : ": " + import.Status.ErrorReason)}"), cancellationToken);
            return;
        }

        if (await ReadBackAsync(run, import.Plans, cancellationToken) is not { } held)
        {
            // Not known what landed (the read failed or the budget refused): everything goes by PATCH, no verdict.
            FellBack(run, import.Plans);
            return;
        }

        var fully = new List<ProspectPlan>();
        var landedAny = false;
        foreach (var plan in import.Plans)
        {
            var landed = held.TryGetValue(plan.Group.ProspectId, out var values) ? UnchangedFields.SameInOutreach(plan.Fresh, values) : new Dictionary<string, Coalescing.CoalescedField>();
            landedAny |= landed.Count > 0;
            if (landed.Count == plan.Fresh.Count)
            {
                fully.Add(plan);
                continue;
            }

            // What landed is recorded with the PATCH that sends the rest (versions only for what Outreach holds).
            plan.AddUnchanged(landed);
            plan.UnchangedRecorded = false;
            run.Count(Names.ImportFellBack, 1);
        }

        await Parallel.ForEachAsync(fully, SetFieldsRun.Concurrently(cancellationToken), async (plan, ct) =>
        {
            var recorded = plan.RecordedOnWrite().ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
            plan.Known = (await versions.RecordAppliedAsync(plan.Group.ProspectId, recorded, plan.Known, ct)).After;
        });
        foreach (var plan in fully)
        {
            run.Written(plan);
        }

        run.Count(Names.ImportApplied, fully.Count);
        LogVerified(logger, import.Status.Id, fully.Count, import.Plans.Length - fully.Count);
        if (landedAny)
        {
            await availability.ConfirmedAsync(cancellationToken);
        }
        else
        {
            run.Count(Names.ImportsAppliedNothing, 1);
            await availability.UnconfirmedAsync(
                string.Create(CultureInfo.InvariantCulture, $"import {import.Status.Id} {(import.StatusUnreadable ? "(status unreadable)" : "said '" + import.Status.State + "'")} but none of its {import.Plans.Length} records was applied when read back"),
                cancellationToken);
        }
    }

    // The group's current values of the fields it sent, by prospect; null when they could not all be read.
    private async Task<ReadValues?> ReadBackAsync(SetFieldsRun run, ProspectPlan[] plans, CancellationToken cancellationToken)
    {
        var values = new Dictionary<long, IReadOnlyDictionary<string, Updates.FieldValue>>();
        foreach (var chunk in plans.Chunk(Math.Max(1, reader.MaxIdsPerRequest)))
        {
            if (!run.MaySend || !await run.TakeAsync(1, cancellationToken))
            {
                return null;
            }

            var fields = chunk.SelectMany(p => p.Fresh.Keys).Distinct(StringComparer.Ordinal).ToList();
            var outcome = await reader.ReadAsync([.. chunk.Select(p => p.Group.ProspectId)], fields, null, cancellationToken);
            run.Count(Names.ImportReadBacks, 1);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            if (outcome is not OutreachCallOutcome.Succeeded<ProspectsRead> { Value: var read })
            {
                LogReadBackFailed(logger, chunk.Length, outcome.GetType().Name);
                await run.StopOnRateLimitAsync(outcome, cancellationToken);
                return null;
            }

            foreach (var (id, held) in read.ValuesById())
            {
                values[id] = held;
            }
        }

        return values;
    }

    private static void FellBack(SetFieldsRun run, ProspectPlan[] plans) => run.Count(Names.ImportFellBack, plans.Length);

    private static string Pointer(OutreachCallOutcome.Permanent refused) =>
        refused.FirstError?.SourcePointer is { } pointer ? " at " + pointer : "";

    [LoggerMessage(EventId = 3124, Level = LogLevel.Information, Message = "Import {ImportId} verified by read-back: {Applied} prospects written, {Left} go one PATCH each")]
    private static partial void LogVerified(ILogger logger, long importId, int applied, int left);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Warning, Message = "Import of {Prospects} prospects not sent ({Outcome}); they go one PATCH each")]
    private static partial void LogNotSent(ILogger logger, int prospects, string outcome);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Warning, Message = "Import {ImportId} did not finish within the wait (state '{State}'); its {Prospects} prospects go one PATCH each")]
    private static partial void LogStalled(ILogger logger, long importId, int prospects, string state);

    [LoggerMessage(EventId = 3127, Level = LogLevel.Warning, Message = "Reading import {ImportId}'s status failed ({Outcome})")]
    private static partial void LogPollFailed(ILogger logger, long importId, string outcome);

    [LoggerMessage(EventId = 3128, Level = LogLevel.Warning, Message = "Reading back {Prospects} prospects of an import failed ({Outcome}); they go one PATCH each")]
    private static partial void LogReadBackFailed(ILogger logger, int prospects, string outcome);

    // One accepted import and the plans it carries, as it is followed.
    private sealed class StartedImport(ImportStatus status, ProspectPlan[] plans, DateTimeOffset firstPollAt)
    {
        public ImportStatus Status { get; set; } = status;

        public ProspectPlan[] Plans { get; } = plans;

        public DateTimeOffset NextPollAt { get; set; } = firstPollAt;

        public bool StatusUnreadable { get; set; }
    }
}
