using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The exit step of enrolment (mapping <c>onExit</c>): finds the prospect's state in the audience's sequence
/// (<c>GET /sequenceStates?filter[prospect][id]=…&amp;filter[sequence][id]=…</c>) and finishes or pauses that ONE state,
/// now or, when it cannot be done now, later.
/// </summary>
/// <remarks>
/// <para>
/// Never <c>prospectsFinishAll</c> / <c>prospectsPauseAll</c>: they act on every sequence of the prospect, including
/// sequences a salesperson started by hand.
/// </para>
/// <para>
/// A sequence that runs on after its prospect left the audience sends real emails nobody wants any more, so an exit is
/// owed until it is done: a row in partition <c>exits</c> of <c>{prefix}SequenceEnrolments</c> (ids only), written
/// before the action is tried. An exit the budget, a stopped batch, Outreach's errors or a crash kept from being done
/// stays owed, and the sweep (<see cref="EnrolmentSweep"/>) tries it again (<see cref="RetryOwedAsync"/>): at once when
/// only the budget stopped it, after the delivery backoff when Outreach failed it. An owed exit whose prospect entered
/// the audience again is dropped; one still failing after <see cref="GiveUpAfter"/> is given up with an error log and
/// the counter <c>SeqExitsGivenUp</c>.
/// </para>
/// </remarks>
internal sealed partial class SequenceExitActions(
    IOutreachSequenceClient outreach,
    PermitTaker permits,
    EnrolmentStore store,
    Backoff backoff,
    TimeProvider time,
    ILogger<SequenceExitActions> logger)
{
    /// <summary>How long an exit Outreach keeps failing is retried before it is given up.</summary>
    internal static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    // A batch acting on an exit it just owed should not meet the sweep acting on the same one: the sweep waits this long.
    private static readonly TimeSpan FirstTryGrace = TimeSpan.FromMinutes(2);
    private const int MaxRetriesPerSweep = 100;

    /// <summary>
    /// Records that the prospect's state in the rule's sequence must be finished or paused, before that is tried: a
    /// crash or failure between recording the exit and acting on it leaves the exit owed, not forgotten.
    /// </summary>
    public Task OweAsync(long prospectId, SequenceRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var now = time.GetUtcNow();
        return WriteAsync(new OwedExit(prospectId, rule.SequenceId, rule.MappingId, now, 0, now + FirstTryGrace), cancellationToken);
    }

    /// <summary>Acts on an exit just owed (<see cref="OweAsync"/>); done, it is owed no more, otherwise the sweep tries it again.</summary>
    public async Task ActOnOwedAsync(BatchRun run, long prospectId, SequenceRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var now = time.GetUtcNow();
        var outcome = await ActAsync(run, prospectId, rule, cancellationToken);
        if (outcome != ExitOutcome.Done)
        {
            run.Count(Names.ExitsOwed, 1);
        }

        await SettleAsync(run, new OwedExit(prospectId, rule.SequenceId, rule.MappingId, now, 0, now), outcome, cancellationToken);
    }

    /// <summary>
    /// Tries the owed exits that are due again (the sweep), while the run's budget lasts. An exit whose prospect is no
    /// longer exited (it entered again), or whose audience lost its sequence in the mapping, is dropped.
    /// </summary>
    public async Task RetryOwedAsync(BatchRun run, IReadOnlyList<SequenceRule> rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var owed in await DueAsync(cancellationToken))
        {
            if (run.Stop is not null)
            {
                return;
            }

            var rule = rules.FirstOrDefault(r => r.SequenceId == owed.SequenceId && r.MappingId == owed.MappingId);
            var record = await store.ReadAsync(owed.ProspectId, owed.SequenceId, cancellationToken);
            if (rule is null || record?.State != EnrolmentStates.Exited)
            {
                await ForgetAsync(owed, cancellationToken);
                continue;
            }

            var outcome = await ActAsync(run, owed.ProspectId, rule, cancellationToken);
            await SettleAsync(run, owed, outcome, cancellationToken);
            if (outcome == ExitOutcome.NotSent)
            {
                // The budget is spent for now: the rest waits for the next sweep rather than each waiting for a permit.
                return;
            }
        }
    }

    /// <summary>Acts on the prospect's open state(s) in the rule's sequence per <see cref="SequenceRule.OnExit"/>.</summary>
    private async Task<ExitOutcome> ActAsync(BatchRun run, long prospectId, SequenceRule rule, CancellationToken cancellationToken)
    {
        if (rule.OnExit == SequenceExit.None)
        {
            return ExitOutcome.Done;
        }

        if (run.Stop is not null || await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
        {
            return ExitOutcome.NotSent;
        }

        var found = await outreach.FindStatesAsync(prospectId, rule.SequenceId, cancellationToken);
        run.Count(Names.Requests, 1);
        if (found is not OutreachCallOutcome.Succeeded<IReadOnlyList<SequenceStateInfo>> { Value: var states })
        {
            LogExitFailed(logger, rule.SequenceId, found.GetType().Name);
            return ExitOutcome.Failed;
        }

        var action = rule.OnExit == SequenceExit.Finish ? SequenceStateAction.Finish : SequenceStateAction.Pause;
        var outcome = ExitOutcome.Done;
        foreach (var state in states.Where(s => s.IsOpen))
        {
            if (await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
            {
                return ExitOutcome.NotSent;
            }

            var acted = await outreach.ActOnStateAsync(state.Id, action, cancellationToken);
            run.Count(Names.Requests, 1);
            if (acted is OutreachCallOutcome.Succeeded)
            {
                var what = action == SequenceStateAction.Finish ? "ExitFinished" : "ExitPaused";
                run.Count(action == SequenceStateAction.Finish ? Names.ExitFinished : Names.ExitPaused, 1);
                run.Count(Names.For(rule, what), 1);
            }
            else
            {
                LogExitFailed(logger, rule.SequenceId, acted.GetType().Name);
                outcome = ExitOutcome.Failed;
            }
        }

        return outcome;
    }

    // Done: owed no more. Not sent: due again at once (the budget or the batch stopped it, no attempt used). Failed: due
    // again after the backoff, or given up once it has failed for GiveUpAfter.
    private async Task SettleAsync(BatchRun run, OwedExit owed, ExitOutcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case ExitOutcome.Done:
                await ForgetAsync(owed, cancellationToken);
                break;
            case ExitOutcome.NotSent:
                await WriteAsync(owed with { NextAt = run.Stop?.Until ?? now }, cancellationToken);
                break;
            case ExitOutcome.Failed when now - owed.Since >= GiveUpAfter:
                LogExitGivenUp(logger, owed.SequenceId, owed.Attempts + 1);
                run.Count(Names.ExitsGivenUp, 1);
                await ForgetAsync(owed, cancellationToken);
                break;
            default:
                await WriteAsync(owed with { Attempts = owed.Attempts + 1, NextAt = now + backoff.DelayAfter(owed.Attempts + 1) }, cancellationToken);
                break;
        }
    }

    private async Task WriteAsync(OwedExit owed, CancellationToken cancellationToken)
    {
        var table = await store.TableAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(EnrolmentStore.OwedExitsPartition, Row(owed.ProspectId, owed.SequenceId))
            {
                ["ProspectId"] = owed.ProspectId,
                ["SequenceId"] = owed.SequenceId,
                ["MappingId"] = owed.MappingId,
                ["Since"] = owed.Since,
                ["Attempts"] = owed.Attempts,
                ["NextAt"] = owed.NextAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    private async Task<IReadOnlyList<OwedExit>> DueAsync(CancellationToken cancellationToken)
    {
        var table = await store.TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {EnrolmentStore.OwedExitsPartition} and NextAt le {time.GetUtcNow()}");
        var due = new List<OwedExit>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: MaxRetriesPerSweep, cancellationToken: cancellationToken))
        {
            var since = row.GetDateTimeOffset("Since") ?? time.GetUtcNow();
            due.Add(new OwedExit(
                row.GetInt64("ProspectId") ?? 0, row.GetInt64("SequenceId") ?? 0, row.GetInt32("MappingId") ?? 0, since, row.GetInt32("Attempts") ?? 0, row.GetDateTimeOffset("NextAt") ?? since));
            if (due.Count >= MaxRetriesPerSweep)
            {
                break;
            }
        }

        return due;
    }

    private Task ForgetAsync(OwedExit owed, CancellationToken cancellationToken) =>
        store.DeleteRowAsync(EnrolmentStore.OwedExitsPartition, Row(owed.ProspectId, owed.SequenceId), cancellationToken);

    private static string Row(long prospectId, long sequenceId) => string.Create(CultureInfo.InvariantCulture, $"s{sequenceId}-p{prospectId}");

    [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "Acting on a sequence state in sequence {SequenceId} on exit failed ({Outcome}); the exit stays owed and is tried again")]
    private static partial void LogExitFailed(ILogger logger, long sequenceId, string outcome);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Error, Message = "An exit from sequence {SequenceId} failed {Attempts} times over a day and is given up: the prospect's sequence state runs on; finish or pause it in Outreach")]
    private static partial void LogExitGivenUp(ILogger logger, long sequenceId, int attempts);

    /// <summary>An exit still to be done: who, which sequence and audience, since when, how often it failed, when it is due again.</summary>
    private sealed record OwedExit(long ProspectId, long SequenceId, int MappingId, DateTimeOffset Since, int Attempts, DateTimeOffset NextAt);

    private enum ExitOutcome
    {
        Done,
        NotSent,
        Failed,
    }
}
