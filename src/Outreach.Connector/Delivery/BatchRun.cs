using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>The state of one <see cref="DeliveryEngine.DeliverAsync"/> call: the decisions so far, the counts, and whether sending has stopped.</summary>
internal sealed class BatchRun(IReadOnlyList<DeliveryMessage> batch, DateTimeOffset startedAt)
{
    private readonly MessageDisposition?[] _decided = new MessageDisposition?[batch.Count];
    private readonly Dictionary<DeliveryMessage, int> _index = IndexByReference(batch);

    public DateTimeOffset StartedAt { get; } = startedAt;

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

    public BatchStop? Stop { get; set; }

    public int Undecided => _decided.Count(d => d is null);

    public void Decide(DeliveryMessage message, MessageDisposition disposition) => _decided[_index[message]] = disposition;

    public void Count(string name, long amount)
    {
        if (amount != 0)
        {
            Counts[name] = Counts.GetValueOrDefault(name) + amount;
        }
    }

    public long Counted(string name) => Counts.GetValueOrDefault(name);

    /// <summary>Completes every message of the group.</summary>
    public void Complete(CoalescedUpdate group, CompletionReason reason)
    {
        foreach (var message in group.Messages)
        {
            Decide(message, new MessageDisposition.Complete(message.MessageId, message.DeliveryAttempt, reason));
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
            switch (stop.Kind)
            {
                case StopKind.Defer:
                    Decide(message, new MessageDisposition.DeferUntil(message.MessageId, attemptsUsed, stop.Until));
                    Count(Names.Deferred, 1);
                    break;
                case StopKind.Hold:
                    Decide(message, new MessageDisposition.Hold(message.MessageId, attemptsUsed, stop.Until));
                    Count(Names.Held, 1);
                    break;
                default:
                    // Storage is failing, so the ledger is too: retry without poisoning.
                    retryLater(message);
                    break;
            }
        }
    }

    public IReadOnlyList<MessageDisposition> Dispositions() =>
        _decided.Select((d, i) => d ?? throw new InvalidOperationException($"Message {i} of the batch got no disposition.")).ToList();

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

/// <summary>Why and until when a batch stopped sending.</summary>
internal sealed record BatchStop(StopKind Kind, DateTimeOffset Until);

/// <summary>What a stopped batch does with its undecided messages.</summary>
internal enum StopKind
{
    Defer,
    Hold,
    RetryAfterStorageFailure,
}
