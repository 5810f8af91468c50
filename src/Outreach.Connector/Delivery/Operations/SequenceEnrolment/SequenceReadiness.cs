using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Whether an audience's sequence exists and is enabled and its mailbox exists and may send, read from Outreach (two GETs
/// under the shared budget) and trusted for <c>Sequences__ReadinessCheckInterval</c>. Nothing is enrolled in a sequence
/// that is not ready; the problem is a health reason in the marketer's words (<see cref="SequenceHealth"/>).
/// </summary>
/// <remarks>
/// Checked when the connection is made (<see cref="Forget"/> makes the next use read again), on health, and before
/// enrolling. A read that fails for a passing cause keeps the last answer; with none yet, the sequence counts as not
/// checked, so not ready: enrolment starts emails, and a doubt waits.
/// </remarks>
public sealed class SequenceReadiness(IOutreachSequenceClient outreach, PermitTaker permits, IOptions<SequenceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(long Sequence, long Mailbox), Check> _checks = new();
    private long _requests;

    /// <summary>The problem that keeps <paramref name="rule"/>'s sequence from enrolling, in the marketer's words; null when it is ready.</summary>
    /// <param name="rule">The audience's sequence rule.</param>
    /// <param name="deadline">The latest a permit may be waited for.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<string?> ProblemAsync(SequenceRule rule, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var key = (rule.SequenceId, rule.MailboxId);
        var now = time.GetUtcNow();
        if (_checks.TryGetValue(key, out var known) && now - known.At < options.Value.ReadinessCheckInterval)
        {
            return known.Problem;
        }

        var problem = await ReadProblemAsync(rule, deadline, cancellationToken);
        if (problem is null or { Passing: false })
        {
            _checks[key] = new Check(now, problem?.Text);
            return problem?.Text;
        }

        // A passing failure: the last answer stands, or "not checked yet".
        return known is not null ? known.Problem : problem.Text;
    }

    /// <summary>Forgets every answer, so each sequence is read again on next use (a new connection, a refused enrolment).</summary>
    public void Forget() => _checks.Clear();

    /// <summary>Outreach requests the checks sent since start (for the benchmark's and the counters' request totals).</summary>
    public long RequestsSent => Interlocked.Read(ref _requests);

    private async Task<Problem?> ReadProblemAsync(SequenceRule rule, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (await permits.TakeAsync(2, deadline, cancellationToken) is not null)
        {
            return new Problem("it could not be checked yet (Outreach's request budget is spent for now)", Passing: true);
        }

        Interlocked.Add(ref _requests, 2);
        var sequence = await outreach.ReadSequenceAsync(rule.SequenceId, cancellationToken);
        var mailbox = await outreach.ReadMailboxAsync(rule.MailboxId, cancellationToken);
        var problems = new List<Problem>();
        switch (sequence)
        {
            case OutreachCallOutcome.Succeeded<SequenceInfo> { Value.Enabled: true }:
                break;
            case OutreachCallOutcome.Succeeded<SequenceInfo>:
                problems.Add(new Problem($"sequence {rule.SequenceId} is disabled in Outreach: enable it", false));
                break;
            default:
                problems.Add(Unreadable(sequence, $"sequence {rule.SequenceId}", "sequences.read"));
                break;
        }

        switch (mailbox)
        {
            case OutreachCallOutcome.Succeeded<MailboxInfo> { Value.MaySend: true }:
                break;
            case OutreachCallOutcome.Succeeded<MailboxInfo>:
                problems.Add(new Problem($"mailbox {rule.MailboxId} may not send (sending is disabled in Outreach): choose a mailbox that can send", false));
                break;
            default:
                problems.Add(Unreadable(mailbox, $"mailbox {rule.MailboxId}", "mailboxes.read"));
                break;
        }

        return problems.Count == 0 ? null : new Problem(string.Join("; ", problems.Select(p => p.Text)), problems.All(p => p.Passing));
    }

    private static Problem Unreadable(OutreachCallOutcome outcome, string what, string scope) => outcome switch
    {
        OutreachCallOutcome.Permanent { StatusCode: 404 } => new Problem($"{what} does not exist in Outreach (or the connected user cannot see it): check the mapping", false),
        OutreachCallOutcome.Permanent { IsMissingScope: true } => new Problem($"{what} cannot be read: the connection lacks {scope}; re-connect with the enrolment scopes", false),
        OutreachCallOutcome.Permanent refused => new Problem($"{what} cannot be read: Outreach answered {refused.StatusCode} ({refused.Reason})", false),
        OutreachCallOutcome.Unauthorized => new Problem($"{what} could not be checked: the Outreach connection needs re-authorization", true),
        _ => new Problem($"{what} could not be checked yet (Outreach did not answer)", true),
    };

    private sealed record Check(DateTimeOffset At, string? Problem);

    private sealed record Problem(string Text, bool Passing);
}
