using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Tokens;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>
/// Delivers a batch of received prospect updates to Outreach and says, per message, what became of it
/// (<see cref="MessageFate"/>). Transport-agnostic: every queue transport reaches it through
/// <c>Queueing/Receiving/ReceivedBatchProcessor</c>.
/// </summary>
/// <remarks>
/// Per batch: poison messages whose attempts are exhausted, address the updates named by email to their prospects
/// (<see cref="EmailResolutionStep"/>), coalesce them into one update per prospect, claim the prospects (one writer per
/// prospect across drainers), and hand them to each <see cref="IDeliveryOperation"/> in turn. When a prospect reached by
/// email is gone (404) or a create finds its email taken, the email is resolved again and its update delivered in a
/// second pass.
/// Each operation <b>plans</b> what a prospect needs of it, <b>calls</b> Outreach under the shared request budget and
/// <b>records</b> the answers through the <see cref="DeliveryRecorder"/>; today they create the prospects emails name
/// and set fields (<see cref="SetFieldsOperation"/>). A 429, a spent budget, refused credentials, the batch time limit or a storage
/// failure stop sending for the rest of the batch (<see cref="BatchRun.Stop"/>), whose messages wait without burning
/// attempts. Counters and telemetry go to the <see cref="IDeliveryObserver"/>.
/// </remarks>
public sealed class DeliveryEngine
{
    private readonly IReadOnlyList<IDeliveryOperation> _operations;
    private readonly DeliveryRecorder _recorder;
    private readonly IConnectionState _connection;
    private readonly IDeliveryObserver _observer;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ProspectClaimStore? _claims;
    private readonly EmailResolutionStep? _emails;

    internal DeliveryEngine(
        IEnumerable<IDeliveryOperation> operations,
        DeliveryRecorder recorder,
        IConnectionState connection,
        IDeliveryObserver observer,
        IOptions<DeliveryOptions> options,
        TimeProvider time,
        ProspectClaimStore? claims = null,
        EmailResolutionStep? emails = null)
    {
        _operations = [.. operations];
        (_recorder, _connection, _observer, _options, _time, _claims, _emails) = (recorder, connection, observer, options.Value, time, claims, emails);
    }

    /// <summary>Works on a batch and returns one fate per message, index-aligned with <paramref name="batch"/>.</summary>
    /// <remarks>
    /// Expected outcomes never throw. Cancellation throws, as does a bug; the host then leaves the whole batch to the
    /// transport's redelivery, which is safe because delivering an applied update again changes nothing.
    /// </remarks>
    public async Task<DeliveryBatchResult> DeliverAsync(IReadOnlyList<DeliveryMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Any(m => m is null || m.Update is null || m.DeliveryAttempt < 1))
        {
            throw new ArgumentException("Every message needs an update and a delivery attempt of at least 1.", nameof(batch));
        }

        if (_emails is null && batch.Any(m => m.Update.NeedsResolution))
        {
            throw new ArgumentException("An update names its prospect by email, and email resolution is not registered.", nameof(batch));
        }

        var startedAt = _time.GetUtcNow();
        var run = new BatchRun(batch, startedAt, startedAt + _options.MaxBatchDuration);
        run.Count(Names.Received, batch.Count);
        var oldestUpdateAge = batch.Count == 0 ? TimeSpan.Zero : run.StartedAt - batch.Min(m => m.Update.ReceivedAt);
        using var batchScope = _observer.BatchStarted(batch.Count, oldestUpdateAge);

        var deliverable = new List<DeliveryMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (message.DeliveryAttempt > _options.MaxAttempts)
            {
                // Delivered more often than allowed without a result: its handler kept failing (crash, timeout).
                await _recorder.RetryOrPoisonAsync(run, message, null, "delivered more often than MaxAttempts without completing", null, cancellationToken);
            }
            else
            {
                deliverable.Add(message);
            }
        }

        run.Count(Names.FutureEventTimes, Coalescer.CountBeyondSkew(deliverable, _options.MaxEventTimeSkew));
        var targets = _emails is null ? deliverable : await _emails.ResolveAsync(run, deliverable, cancellationToken);
        var prospects = await DeliverToProspectsAsync(run, targets, cancellationToken);
        if (_emails is not null && (run.NotFound.Count > 0 || run.EmailsNowHeld.Count > 0))
        {
            var again = await _emails.ResolveAgainAsync(run, targets, cancellationToken);
            prospects += again.Count == 0 ? 0 : await DeliverToProspectsAsync(run, again, cancellationToken);
        }

        await _observer.BatchFinishedAsync(run.StartedAt, oldestUpdateAge, run.Counts, run.AudiencesWritten);
        var result = new DeliveryBatchResult(run.Fates(), run.Stop?.Until, _connection.IsPaused);
        _recorder.BatchDelivered(run, batch.Count, prospects, result);
        return result;
    }

    // Coalesces the messages into one update per prospect, claims the prospects and runs the operations; returns the
    // number of prospects.
    private async Task<int> DeliverToProspectsAsync(BatchRun run, IReadOnlyList<DeliveryMessage> messages, CancellationToken cancellationToken)
    {
        var groups = Coalescer.Coalesce(messages, _options.MaxEventTimeSkew);
        run.Count(Names.Coalesced, messages.Count - groups.Count);

        // One writer per prospect across every drainer: the claims are held from the plan through the calls to the
        // recording, bulk jobs included. Prospects still to be created have no id yet: their operation claims their email.
        await using (run.Claims = await ProspectClaimSet.OpenAsync(_claims, groups.Select(g => g.ProspectId).Where(id => id != 0), cancellationToken))
        {
            var held = await run.Claims.KeepHeldAsync(run, groups, cancellationToken);
            foreach (var operation in _operations)
            {
                await operation.DeliverAsync(run, held, cancellationToken);
            }
        }

        return groups.Count;
    }
}
