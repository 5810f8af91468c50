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

    // A message named by an email that several prospects hold (or that named another prospect after a 404) is delivered
    // as one copy per prospect; each copy's fate is kept here, and the message's is the least final of them.
    private readonly Dictionary<DeliveryMessage, int> _copyOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<DeliveryMessage, MessageFate?> _copyFates = new(ReferenceEqualityComparer.Instance);

    public DateTimeOffset StartedAt { get; } = startedAt;

    public DateTimeOffset Deadline { get; } = deadline;

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prospects Outreach answered 404 in this batch (deleted or merged): emails that named them are resolved again.</summary>
    public HashSet<long> NotFound { get; } = [];

    /// <summary>
    /// Emails a create found already held by a prospect (another writer created it; the email cache now names it): a
    /// second pass delivers their updates to that prospect.
    /// </summary>
    public HashSet<string> EmailsNowHeld { get; } = new(StringComparer.Ordinal);

    public BatchStop? Stop { get; set; }

    /// <summary>This batch's claims: an operation asks before each write whether it may still write the prospect.</summary>
    public ProspectClaimSet Claims { get; set; } = ProspectClaimSet.None;

    /// <summary>The fate decided for <paramref name="message"/> (a message of the batch or a copy of one) so far, or null.</summary>
    public MessageFate? FateOf(DeliveryMessage message) =>
        _copyFates.TryGetValue(message, out var fate) ? fate : _decided[_index[message]];

    public int Undecided => _decided.Where((d, i) => d is null && !_copyOf.ContainsValue(i)).Count() + _copyFates.Count(c => c.Value is null);

    /// <summary>
    /// Decides a message of the batch, or a copy of one (<see cref="AddCopy"/>). A fate given to the message itself wins
    /// over its copies' (e.g. "not resolvable now: wait" after a copy's prospect answered 404).
    /// </summary>
    public void Decide(DeliveryMessage message, MessageFate fate)
    {
        if (_copyFates.ContainsKey(message))
        {
            _copyFates[message] = fate;
        }
        else
        {
            _decided[_index[message]] = fate;
        }
    }

    /// <summary>
    /// Registers <paramref name="copy"/>, the message <paramref name="original"/> addressed to one of the prospects its
    /// email names; the copy is decided like any message, and the original's fate is the least final of its copies'.
    /// </summary>
    public void AddCopy(DeliveryMessage original, DeliveryMessage copy)
    {
        _copyOf.Add(copy, _index[original]);
        _copyFates.Add(copy, null);
    }

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

    /// <summary>The message of the batch <paramref name="message"/> is a copy of, or the message itself.</summary>
    public DeliveryMessage OriginalOf(DeliveryMessage message) => _copyOf.TryGetValue(message, out var i) ? batch[i] : message;

    public IReadOnlyList<MessageFate> Fates()
    {
        var copies = _copyOf.GroupBy(pair => pair.Value, pair => _copyFates[pair.Key]).ToDictionary(g => g.Key, g => g.ToList());
        return _decided.Select((decided, i) =>
        {
            if (decided is not null)
            {
                return decided;
            }

            if (!copies.TryGetValue(i, out var fates) || fates.Any(f => f is null))
            {
                throw new InvalidOperationException($"Message {i} of the batch got no fate.");
            }

            var merged = MessageFate.LeastFinal([.. fates.Select(f => f!)]);
            return merged with { MessageId = batch[i].MessageId };
        }).ToList();
    }

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
