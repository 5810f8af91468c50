using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Imports given up before Outreach finished them, remembered until it has: an import cannot be cancelled, so one that
/// stalled may still apply its (by then old) values later. Its prospects were written by PATCH in the batch that gave it
/// up, with the same values; a later write of one of its fields waits until the import is seen finished, so that it can
/// never overwrite a newer value.
/// </summary>
/// <remarks>
/// <para>
/// Like <see cref="InFlightBulkWrites"/> for bulk actions (the same registry type, a separate instance: imports are
/// polled with <c>GET /imports/{id}</c>), per process; other drainers are kept apart by claims. The fields an import
/// blocks are the union of its records' fields for each of its prospects: a prospect may wait for a field its record
/// did not carry, which costs a deferral, never a wrong value.
/// </para>
/// <para>
/// An import still unfinished <see cref="InFlightBulkWrites.GiveUpAfter"/> after it was given up is forgotten (with an error log): its
/// prospects are not held up for ever by an import Outreach may never finish.
/// </para>
/// </remarks>
public sealed partial class StalledImports(IOutreachImportClient imports, IOptions<PerRecordBulkOptions> options, TimeProvider time, ILogger<StalledImports> logger)
{
    private readonly InFlightBulkWrites _stalled = new();
    // Weak: the batch that gave an import up only needs telling apart from later ones, not keeping alive.
    private readonly Dictionary<long, WeakReference<BatchRun>> _givenUpBy = [];
    private readonly Lock _gate = new();

    /// <summary>Remembers an import <paramref name="batch"/> gave up; its prospects are written by that batch's PATCHes.</summary>
    internal void Remember(BatchRun batch, long importId, IReadOnlyList<ProspectPlan> plans)
    {
        var now = time.GetUtcNow();
        var fields = plans.SelectMany(p => p.Fresh).GroupBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value.Change.Value, StringComparer.Ordinal);
        var open = plans.Where(p => _stalled.Blocking(p.Group.ProspectId, fields.Keys) is null).ToList();
        if (open.Count == 0)
        {
            return;
        }

        var job = new InFlightBulkJob(importId, fields, open.ToDictionary(p => p.Group.ProspectId, p => p.FreshVersions()), now)
        {
            NextPollAt = now + options.Value.ImportPollInterval,
        };
        _stalled.Start(job);
        lock (_gate)
        {
            _givenUpBy[importId] = new WeakReference<BatchRun>(batch);
        }
    }

    /// <summary>
    /// When the group may be written: null when no import given up by another batch writes one of its fields, else the
    /// time worth trying again.
    /// </summary>
    internal DateTimeOffset? BlockedUntil(BatchRun batch, CoalescedUpdate group, DateTimeOffset now)
    {
        if (_stalled.Blocking(group.ProspectId, group.Fields.Keys) is not { } job || IsGivenUpBy(job, batch))
        {
            return null;
        }

        return job.NextPollAt > now ? job.NextPollAt : now + options.Value.ImportPollInterval;
    }

    /// <summary>Reads the given-up imports that are due or that hold up a prospect of this batch; forgets those that finished.</summary>
    internal async Task FollowAsync(SetFieldsRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        if (_stalled.Count == 0)
        {
            return;
        }

        var blocking = groups.Select(g => _stalled.Blocking(g.ProspectId, g.Fields.Keys)).OfType<InFlightBulkJob>();
        foreach (var job in _stalled.DueForPoll(time.GetUtcNow()).Concat(blocking).Distinct().ToList())
        {
            if (time.GetUtcNow() - job.SubmittedAt > InFlightBulkWrites.GiveUpAfter)
            {
                LogForgotten(logger, job.BatchId, job.Versions.Count);
                Forget(job);
                continue;
            }

            if (!run.MaySend || !await run.TakeAsync(1, cancellationToken))
            {
                return;
            }

            var outcome = await imports.GetImportAsync(job.BatchId, cancellationToken);
            run.Count(Names.ImportPolls, 1);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            job.NextPollAt = time.GetUtcNow() + options.Value.ImportPollInterval;
            switch (outcome)
            {
                case OutreachCallOutcome.Succeeded<ImportStatus> { Value.Finished: true }:
                    Forget(job);
                    break;
                case OutreachCallOutcome.Permanent refused:
                    // Its status cannot be read (e.g. imports.read withdrawn): waiting cannot teach anything more.
                    LogUnreadable(logger, job.BatchId, refused.StatusCode);
                    Forget(job);
                    break;
                default:
                    await run.StopOnRateLimitAsync(outcome, cancellationToken);
                    break;
            }
        }
    }

    private bool IsGivenUpBy(InFlightBulkJob job, BatchRun batch)
    {
        lock (_gate)
        {
            return _givenUpBy.TryGetValue(job.BatchId, out var weak) && weak.TryGetTarget(out var owner) && ReferenceEquals(owner, batch);
        }
    }

    private void Forget(InFlightBulkJob job)
    {
        _stalled.Finish(job);
        lock (_gate)
        {
            _givenUpBy.Remove(job.BatchId);
        }
    }

    [LoggerMessage(EventId = 3129, Level = LogLevel.Error, Message = "Import {ImportId}, given up earlier, is still not finished after 15 minutes; its {Prospects} prospects are written again without waiting for it")]
    private static partial void LogForgotten(ILogger logger, long importId, int prospects);

    [LoggerMessage(EventId = 3130, Level = LogLevel.Warning, Message = "Import {ImportId}, given up earlier, cannot be read (HTTP {StatusCode}); its prospects are written again without waiting for it")]
    private static partial void LogUnreadable(ILogger logger, long importId, int statusCode);
}
