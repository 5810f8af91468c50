using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>The state of one <see cref="DeliveryEngine.DeliverAsync"/> call: the decisions so far, the counts, and whether sending has stopped.</summary>
/// <param name="batch">The batch's messages.</param>
/// <param name="startedAt">When work on the batch started.</param>
/// <param name="deadline">When the batch stops sending (its messages are deferred from then on).</param>
internal sealed class BatchRun(IReadOnlyList<DeliveryMessage> batch, DateTimeOffset startedAt, DateTimeOffset deadline)
{
    private readonly MessageFate?[] _decided = new MessageFate?[batch.Count];
    private readonly Dictionary<DeliveryMessage, int> _index = IndexByReference(batch);

    public DateTimeOffset StartedAt { get; } = startedAt;

    public DateTimeOffset Deadline { get; } = deadline;

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prospects Outreach answered 404 in this batch (see <see cref="Outcomes.DeliveryBatchResult.ProspectsNotFound"/>).</summary>
    public HashSet<long> NotFound { get; } = [];

    public BatchStop? Stop { get; set; }

    /// <summary>This batch's claims: an operation asks before each write whether it may still write the prospect.</summary>
    public ClaimGate Claims { get; set; } = ClaimGate.None;

    /// <summary>The fate decided for <paramref name="message"/> so far, or null.</summary>
    public MessageFate? FateOf(DeliveryMessage message) => _decided[_index[message]];

    public int Undecided => _decided.Count(d => d is null);

    public void Decide(DeliveryMessage message, MessageFate fate) => _decided[_index[message]] = fate;

    public void Count(string name, long amount)
    {
        if (amount != 0)
        {
            Counts[name] = Counts.GetValueOrDefault(name) + amount;
        }
    }

    public long Counted(string name) => Counts.GetValueOrDefault(name);

    /// <summary>Decides every message of the group, e.g. <c>run.Decide(group, (id, attempts) => new MessageFate.Delivered(id, attempts))</c>.</summary>
    public void Decide(CoalescedUpdate group, Func<string, int, MessageFate> fate)
    {
        foreach (var message in group.Messages)
        {
            Decide(message, fate(message.MessageId, message.DeliveryAttempt));
        }
    }

    /// <summary>Decides the group's messages by the stop; <paramref name="retryLater"/> decides them after a storage failure.</summary>
    public void ApplyStop(CoalescedUpdate group, Action<DeliveryMessage> retryLater)
    {
        var stop = Stop ?? throw new InvalidOperationException("The batch was not stopped.");
        foreach (var message in group.Messages)
        {
            // Deferred and held messages were not really attempted: they carry one attempt fewer than this delivery.
            var attemptsUsed = message.DeliveryAttempt - 1;
            switch (stop.Fate?.Invoke(message.MessageId, attemptsUsed))
            {
                case MessageFate.Deferred deferred:
                    Decide(message, deferred);
                    Count(Names.Deferred, 1);
                    break;
                case { } paused:
                    Decide(message, paused);
                    Count(Names.Paused, 1);
                    break;
                default:
                    // Storage is failing, so the ledger is too: retry without poisoning.
                    retryLater(message);
                    break;
            }
        }
    }

    public IReadOnlyList<MessageFate> Fates() =>
        _decided.Select((d, i) => d ?? throw new InvalidOperationException($"Message {i} of the batch got no fate.")).ToList();

    private static Dictionary<DeliveryMessage, int> IndexByReference(IReadOnlyList<DeliveryMessage> batch)
    {
        var index = new Dictionary<DeliveryMessage, int>(batch.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!index.TryAdd(batch[i], i))
            {
                throw new ArgumentException("The same message object appears twice in the batch.", nameof(batch));
            }
        }

        return index;
    }
}

/// <summary>
/// Until when a batch stopped sending, and the fate of each message it had not decided (from its id and the attempts it
/// used); no fate: storage failed, and they retry later.
/// </summary>
internal sealed record BatchStop(DateTimeOffset Until, Func<string, int, MessageFate>? Fate)
{
    /// <summary>Not sent for want of permits, a 429 or time: deferred to <paramref name="until"/>.</summary>
    public static BatchStop Defer(DateTimeOffset until) => new(until, (id, attempts) => new MessageFate.Deferred(id, attempts, until));

    /// <summary>The connection needs re-authorization: paused until <paramref name="probeAt"/>.</summary>
    public static BatchStop Pause(DateTimeOffset probeAt) => new(probeAt, (id, attempts) => new MessageFate.Paused(id, attempts, probeAt));

    /// <summary>Delivery state storage failed at <paramref name="now"/>: the rest retries later.</summary>
    public static BatchStop StorageFailed(DateTimeOffset now) => new(now, null);
}
