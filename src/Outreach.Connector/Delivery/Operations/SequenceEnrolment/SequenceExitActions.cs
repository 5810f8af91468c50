using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The exit step of enrolment (mapping <c>onExit</c>): finds the prospect's state in the audience's sequence
/// (<c>GET /sequenceStates?filter[prospect][id]=…&amp;filter[sequence][id]=…</c>) and finishes or pauses that ONE state.
/// </summary>
/// <remarks>
/// Never <c>prospectsFinishAll</c> / <c>prospectsPauseAll</c>: they act on every sequence of the prospect, including
/// sequences a salesperson started by hand. An exit that cannot be sent (budget, Outreach down) is not retried: the
/// sequence runs on, which is what <c>onExit: none</c> does anyway, and the counters show it.
/// </remarks>
internal sealed partial class SequenceExitActions(IOutreachSequenceClient outreach, PermitTaker permits, ILogger<SequenceExitActions> logger)
{
    /// <summary>Acts on the prospect's open state(s) in the rule's sequence per <see cref="SequenceRule.OnExit"/>.</summary>
    public async Task ActAsync(BatchRun run, long prospectId, SequenceRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.OnExit == SequenceExit.None || run.Stop is not null || await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
        {
            return;
        }

        var found = await outreach.FindStatesAsync(prospectId, rule.SequenceId, cancellationToken);
        run.Count(Names.Requests, 1);
        if (found is not OutreachCallOutcome.Succeeded<IReadOnlyList<SequenceStateInfo>> { Value: var states })
        {
            LogExitFailed(logger, rule.SequenceId, found.GetType().Name);
            return;
        }

        var action = rule.OnExit == SequenceExit.Finish ? SequenceStateAction.Finish : SequenceStateAction.Pause;
        foreach (var state in states.Where(s => s.IsOpen))
        {
            if (await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
            {
                return;
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
            }
        }
    }

    [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "Acting on a sequence state in sequence {SequenceId} on exit failed ({Outcome}); the sequence runs on")]
    private static partial void LogExitFailed(ILogger logger, long sequenceId, string outcome);
}
