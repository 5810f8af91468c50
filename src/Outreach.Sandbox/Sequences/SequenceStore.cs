using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Sequences;

/// <summary>
/// The org's sequences and mailboxes, the sequence states (a prospect's membership of a sequence), the ruleset that
/// refuses an enrolment, and the count of enrolments per (prospect, sequence) that the test guard reads.
/// </summary>
/// <remarks>
/// One lock guards everything, so two concurrent enrolments of one prospect see each other, as Outreach's ruleset would.
/// The refusal texts are the sandbox's own: Outreach does not publish them (docs/reference/outreach-sequences.md).
/// </remarks>
internal sealed class SequenceStore
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Finished = "finished";

    private readonly Lock _gate = new();
    private readonly SequenceOptions _options;
    private readonly ProspectStore _prospects;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, SandboxSequence> _sequences = [];
    private readonly Dictionary<long, SandboxMailbox> _mailboxes = [];
    private readonly SortedDictionary<long, SequenceState> _states = [];
    private readonly Dictionary<(long ProspectId, long SequenceId), int> _enrolments = [];
    private long _lastStateId;
    private SequenceCounters _counters = new();

    public SequenceStore(IOptions<SandboxOptions> options, ProspectStore prospects, TimeProvider time)
    {
        _options = options.Value.Sequences;
        _prospects = prospects;
        _time = time;
        Reset();
    }

    public SequenceOptions Options => _options;

    public SandboxSequence? Sequence(long id)
    {
        lock (_gate)
        {
            return _sequences.GetValueOrDefault(id) is { } sequence ? Copy(sequence) : null;
        }
    }

    public IReadOnlyList<SandboxSequence> AllSequences()
    {
        lock (_gate)
        {
            return [.. _sequences.Values.OrderBy(s => s.Id).Select(Copy)];
        }
    }

    public SandboxMailbox? Mailbox(long id)
    {
        lock (_gate)
        {
            return _mailboxes.GetValueOrDefault(id) is { } mailbox ? Copy(mailbox) : null;
        }
    }

    public IReadOnlyList<SandboxMailbox> AllMailboxes()
    {
        lock (_gate)
        {
            return [.. _mailboxes.Values.OrderBy(m => m.Id).Select(Copy)];
        }
    }

    /// <summary>Adds or replaces a sequence (admin).</summary>
    public void Put(SandboxSequence sequence)
    {
        lock (_gate)
        {
            _sequences[sequence.Id] = Copy(sequence);
        }
    }

    /// <summary>Adds or replaces a mailbox (admin).</summary>
    public void Put(SandboxMailbox mailbox)
    {
        lock (_gate)
        {
            _mailboxes[mailbox.Id] = Copy(mailbox);
        }
    }

    /// <summary>
    /// Adds the prospect to the sequence with the mailbox, unless the ruleset refuses. The sequence and mailbox must exist
    /// (callers check and answer 422 themselves); an unknown prospect is a refusal.
    /// </summary>
    /// <param name="viaBulkAction">True for a <c>prospectsAddToSequence</c> batch item, for the counters.</param>
    public EnrolmentResult Enrol(long prospectId, long sequenceId, long mailboxId, bool viaBulkAction)
    {
        var prospect = _prospects.Get(prospectId);
        lock (_gate)
        {
            var refusal = Refusal(prospect, prospectId, sequenceId, mailboxId);
            if (refusal is not null)
            {
                _counters = _counters with { Refusals = _counters.Refusals + 1 };
                return new EnrolmentResult(null, refusal);
            }

            var now = _time.GetUtcNow();
            var state = new SequenceState(++_lastStateId, prospectId, sequenceId, mailboxId, now);
            _states[state.Id] = state;
            var key = (prospectId, sequenceId);
            var times = _enrolments.GetValueOrDefault(key) + 1;
            _enrolments[key] = times;
            _counters = _counters with
            {
                Enrolments = _counters.Enrolments + 1,
                EnrolmentsByBulkAction = _counters.EnrolmentsByBulkAction + (viaBulkAction ? 1 : 0),
                RepeatEnrolments = _counters.RepeatEnrolments + (times > 1 ? 1 : 0),
            };
            return new EnrolmentResult(state.Snapshot(), null);
        }
    }

    /// <summary>Finishes, pauses or resumes one state; the problem when the state is not in a state that allows it.</summary>
    public (SequenceStateSnapshot? State, string? Problem) Act(long stateId, string action)
    {
        lock (_gate)
        {
            if (!_states.TryGetValue(stateId, out var state))
            {
                return (null, null);
            }

            var problem = action switch
            {
                "finish" when state.State == Finished => "The sequence state is already finished.",
                "pause" when state.State != Active => $"Only an active sequence state can be paused; this one is {state.State}.",
                "resume" when state.State != Paused => $"Only a paused sequence state can be resumed; this one is {state.State}.",
                _ => null,
            };
            if (problem is not null)
            {
                return (state.Snapshot(), problem);
            }

            Move(state, action switch { "finish" => Finished, "pause" => Paused, _ => Active });
            return (state.Snapshot(), null);
        }
    }

    /// <summary>
    /// What <c>prospectsFinishAll</c> / <c>prospectsPauseAll</c> do to one prospect: EVERY one of its sequences, not one.
    /// Returns how many states changed.
    /// </summary>
    public int ActOnAll(long prospectId, bool finish)
    {
        lock (_gate)
        {
            var changed = 0;
            foreach (var state in _states.Values.Where(s => s.ProspectId == prospectId))
            {
                if (finish && state.State != Finished)
                {
                    Move(state, Finished);
                    changed++;
                }
                else if (!finish && state.State == Active)
                {
                    Move(state, Paused);
                    changed++;
                }
            }

            return changed;
        }
    }

    /// <summary>Deletes a state: the prospect may then be added to that sequence again. False when it does not exist.</summary>
    public bool Delete(long stateId)
    {
        lock (_gate)
        {
            return _states.Remove(stateId);
        }
    }

    public SequenceStateSnapshot? State(long id)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(id)?.Snapshot();
        }
    }

    /// <summary>The states matching the filters (null = any), ascending by id, after the cursor.</summary>
    public IReadOnlyList<SequenceStateSnapshot> States(long? prospectId, long? sequenceId, long? mailboxId, string? state, long after, int take)
    {
        lock (_gate)
        {
            return [.. _states.Values
                .Where(s => s.Id > after
                    && (prospectId is null || s.ProspectId == prospectId)
                    && (sequenceId is null || s.SequenceId == sequenceId)
                    && (mailboxId is null || s.MailboxId == mailboxId)
                    && (state is null || s.State == state))
                .Take(take)
                .Select(s => s.Snapshot())];
        }
    }

    /// <summary>Enrolments per (prospect, sequence) since start or the last reset, optionally for one prospect or sequence.</summary>
    public IReadOnlyList<EnrolmentCount> Enrolments(long? prospectId, long? sequenceId)
    {
        lock (_gate)
        {
            return [.. _enrolments
                .Where(pair => (prospectId is null || pair.Key.ProspectId == prospectId) && (sequenceId is null || pair.Key.SequenceId == sequenceId))
                .OrderBy(pair => pair.Key.ProspectId).ThenBy(pair => pair.Key.SequenceId)
                .Select(pair => new EnrolmentCount(pair.Key.ProspectId, pair.Key.SequenceId, pair.Value))];
        }
    }

    public SequenceCounters Counters()
    {
        lock (_gate)
        {
            return _counters with { ProspectsEnrolledMoreThanOnce = _enrolments.Values.Count(times => times > 1) };
        }
    }

    /// <summary>Back to the configured sequences and mailboxes, with no states and no counts.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _sequences.Clear();
            _mailboxes.Clear();
            foreach (var sequence in _options.Sequences)
            {
                _sequences[sequence.Id] = Copy(sequence);
            }

            foreach (var mailbox in _options.Mailboxes)
            {
                _mailboxes[mailbox.Id] = Copy(mailbox);
            }

            _states.Clear();
            _enrolments.Clear();
            _counters = new SequenceCounters();
        }
    }

    private string? Refusal(ProspectSnapshot? prospect, long prospectId, long sequenceId, long mailboxId)
    {
        if (prospect is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Could not find 'prospect' with ID '{prospectId}'.");
        }

        if (!_sequences.TryGetValue(sequenceId, out var sequence) || !_mailboxes.TryGetValue(mailboxId, out var mailbox))
        {
            return "The sequence or the mailbox no longer exists.";
        }

        if (!sequence.Enabled)
        {
            return "The sequence is disabled; enable it before adding prospects.";
        }

        if (!mailbox.SendingEnabled)
        {
            return "The mailbox is not allowed to send; choose a mailbox that can send.";
        }

        if (sequence.HasEmailSteps && IsOptedOut(prospect) && !_options.OptedOutMayJoinEmailSequences)
        {
            return "The prospect has opted out and cannot be added to a sequence with email steps.";
        }

        if (sequence.HasEmailSteps && !HasEmail(prospect))
        {
            return "The prospect has no email address and cannot be added to a sequence with email steps.";
        }

        var mine = _states.Values.Where(s => s.ProspectId == prospectId).ToList();
        if (mine.Any(s => s.SequenceId == sequenceId && s.State != Finished))
        {
            return "The prospect is already active in this sequence.";
        }

        if (!_options.AllowReenrolment && mine.Any(s => s.SequenceId == sequenceId))
        {
            return "The prospect has already been in this sequence, and the ruleset allows it only once.";
        }

        if (_options.OneActiveSequenceAtATime && mine.Any(s => s.State != Finished))
        {
            return "The prospect is already active in another sequence, and the ruleset allows one active sequence at a time.";
        }

        return null;
    }

    private void Move(SequenceState state, string to)
    {
        state.Move(to, _time.GetUtcNow());
        _counters = to switch
        {
            Finished => _counters with { StatesFinished = _counters.StatesFinished + 1 },
            Paused => _counters with { StatesPaused = _counters.StatesPaused + 1 },
            _ => _counters with { StatesResumed = _counters.StatesResumed + 1 },
        };
    }

    private static bool IsOptedOut(ProspectSnapshot prospect) =>
        prospect.Attributes.TryGetValue("optedOut", out var optedOut) && optedOut.ValueKind == JsonValueKind.True;

    private static bool HasEmail(ProspectSnapshot prospect) =>
        prospect.Attributes.TryGetValue("emails", out var emails) && emails.ValueKind == JsonValueKind.Array
        && emails.EnumerateArray().Any(email => email.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(email.GetString()));

    private static SandboxSequence Copy(SandboxSequence s) => new() { Id = s.Id, Name = s.Name, Enabled = s.Enabled, HasEmailSteps = s.HasEmailSteps };

    private static SandboxMailbox Copy(SandboxMailbox m) => new() { Id = m.Id, Email = m.Email, SendingEnabled = m.SendingEnabled };

    private sealed class SequenceState(long id, long prospectId, long sequenceId, long mailboxId, DateTimeOffset createdAt)
    {
        public long Id { get; } = id;

        public long ProspectId { get; } = prospectId;

        public long SequenceId { get; } = sequenceId;

        public long MailboxId { get; } = mailboxId;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string State { get; private set; } = Active;

        public DateTimeOffset StateChangedAt { get; private set; } = createdAt;

        public void Move(string to, DateTimeOffset at)
        {
            State = to;
            StateChangedAt = at;
        }

        public SequenceStateSnapshot Snapshot() => new(Id, ProspectId, SequenceId, MailboxId, State, CreatedAt, StateChangedAt);
    }
}

/// <summary>A copy of one sequence state, safe to write outside the store's lock.</summary>
internal sealed record SequenceStateSnapshot(long Id, long ProspectId, long SequenceId, long MailboxId, string State, DateTimeOffset CreatedAt, DateTimeOffset StateChangedAt);

/// <summary>The result of an enrolment: the new state, or the ruleset's refusal text.</summary>
internal sealed record EnrolmentResult(SequenceStateSnapshot? State, string? Refusal);

/// <summary>How many times one prospect was enrolled in one sequence (<c>GET /admin/enrolments</c>); more than once is what the guard catches.</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="SequenceId">The sequence.</param>
/// <param name="Enrolments">Successful enrolments (POST /sequenceStates and bulk items together).</param>
public sealed record EnrolmentCount(long ProspectId, long SequenceId, int Enrolments);

/// <summary>What the sandbox saw of sequences since start or the last reset (part of <c>GET /admin/counters</c>).</summary>
public sealed record SequenceCounters
{
    /// <summary>Successful enrolments (new sequence states), by POST or bulk action.</summary>
    public long Enrolments { get; init; }

    /// <summary>Of those, the ones made by <c>prospectsAddToSequence</c> batch items.</summary>
    public long EnrolmentsByBulkAction { get; init; }

    /// <summary>Enrolments of a (prospect, sequence) pair already enrolled before (after a delete, or with re-enrolment allowed): tests assert 0.</summary>
    public long RepeatEnrolments { get; init; }

    /// <summary>(prospect, sequence) pairs enrolled more than once.</summary>
    public long ProspectsEnrolledMoreThanOnce { get; init; }

    /// <summary>Enrolments the ruleset refused.</summary>
    public long Refusals { get; init; }

    /// <summary>States finished (one by one or by <c>prospectsFinishAll</c>).</summary>
    public long StatesFinished { get; init; }

    /// <summary>States paused (one by one or by <c>prospectsPauseAll</c>).</summary>
    public long StatesPaused { get; init; }

    /// <summary>States resumed.</summary>
    public long StatesResumed { get; init; }
}
