namespace Outreach.Connector.Outreach;

/// <summary>
/// The sequence calls enrolment makes (docs/reference/outreach-sequences.md): enrol many prospects with the bulk action
/// <c>prospectsAddToSequence</c> (ids ALWAYS in the query string), follow its batch, find one prospect's state in one
/// sequence, finish or pause that one state, and read a sequence and a mailbox for the readiness check. Never throws
/// for HTTP or network failures.
/// </summary>
/// <remarks>
/// There is deliberately no method for <c>prospectsFinishAll</c> / <c>prospectsPauseAll</c>: they act on every sequence
/// of a prospect, not the audience's one.
/// </remarks>
public interface IOutreachSequenceClient
{
    /// <summary>The most ids one bulk action may carry (<c>Outreach__MaxIdsPerBulkCall</c>).</summary>
    int MaxIdsPerBulkCall { get; }

    /// <summary>
    /// Sends <c>prospectsAddToSequence</c> for exactly <paramref name="ids"/>; succeeds with the started
    /// <see cref="BatchStatus"/>, or <see cref="OutreachCallOutcome.NotSent"/> when the last check finds the filter wrong.
    /// </summary>
    Task<OutreachCallOutcome> AddToSequenceAsync(BulkProspectIds ids, long sequenceId, long mailboxId, CancellationToken cancellationToken);

    /// <summary>Reads <c>GET /batches/{id}</c>: <see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="BatchStatus"/>.</summary>
    Task<OutreachCallOutcome> GetBatchAsync(long batchId, CancellationToken cancellationToken);

    /// <summary>Reads the batch's failed items: <see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="ListPages{T}"/> of <see cref="BatchItemFailure"/>.</summary>
    Task<OutreachCallOutcome> ReadFailuresAsync(long batchId, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /sequenceStates?filter[prospect][id]=…&amp;filter[sequence][id]=…</c>: succeeds with the
    /// <see cref="SequenceStateInfo"/>s of that prospect in that sequence (empty when none).
    /// </summary>
    Task<OutreachCallOutcome> FindStatesAsync(long prospectId, long sequenceId, CancellationToken cancellationToken);

    /// <summary><c>POST /sequenceStates/{id}/actions/finish</c> or <c>pause</c>, for that one state.</summary>
    Task<OutreachCallOutcome> ActOnStateAsync(long stateId, SequenceStateAction action, CancellationToken cancellationToken);

    /// <summary><c>GET /sequences/{id}</c>: succeeds with a <see cref="SequenceInfo"/>; a missing sequence is <see cref="OutreachCallOutcome.Permanent"/> 404.</summary>
    Task<OutreachCallOutcome> ReadSequenceAsync(long sequenceId, CancellationToken cancellationToken);

    /// <summary><c>GET /mailboxes/{id}</c>: succeeds with a <see cref="MailboxInfo"/>; a missing mailbox is <see cref="OutreachCallOutcome.Permanent"/> 404.</summary>
    Task<OutreachCallOutcome> ReadMailboxAsync(long mailboxId, CancellationToken cancellationToken);
}

/// <summary>The action taken on one sequence state when its prospect leaves the audience.</summary>
public enum SequenceStateAction
{
    /// <summary><c>finish</c>: the state ends, its history stays.</summary>
    Finish,

    /// <summary><c>pause</c>: the state stops until resumed.</summary>
    Pause,
}

/// <summary>One sequence state as <c>GET /sequenceStates</c> lists it.</summary>
/// <param name="Id">The state's id.</param>
/// <param name="State">Outreach's state name (<c>active</c>, <c>paused</c>, <c>finished</c>, …); null when not given.</param>
public sealed record SequenceStateInfo(long Id, string? State)
{
    /// <summary>Still running or paused: a state an exit acts on (anything not finished, as Outreach's names are not all published).</summary>
    public bool IsOpen => !string.Equals(State, "finished", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A sequence as the readiness check needs it.</summary>
/// <param name="Id">The sequence id.</param>
/// <param name="Enabled">Whether it is enabled (attribute <c>enabled</c>; absent reads as not enabled).</param>
public sealed record SequenceInfo(long Id, bool Enabled);

/// <summary>A mailbox as the readiness check needs it.</summary>
/// <param name="Id">The mailbox id.</param>
/// <param name="MaySend">False when Outreach says <c>sendDisabled: true</c>.</param>
public sealed record MailboxInfo(long Id, bool MaySend);
