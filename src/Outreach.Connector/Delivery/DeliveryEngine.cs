using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Tokens;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>
/// Delivers a batch of received prospect updates to Outreach and says, per message, what became of it
/// (<see cref="MessageFate"/>). Transport-agnostic: every queue transport reaches it through
/// <c>Queueing/Receiving/ReceivedBatchProcessor</c>.
/// </summary>
/// <remarks>
/// Per batch: poison messages whose attempts are exhausted, coalesce the rest into one update per prospect, claim the
/// prospects (one writer per prospect across drainers), and hand them to each <see cref="IDeliveryOperation"/> in turn.
/// Each operation <b>plans</b> what a prospect needs of it, <b>calls</b> Outreach under the shared request budget and
/// <b>records</b> the answers through the <see cref="DeliveryRecorder"/>; today the one operation sets fields
/// (<see cref="SetFieldsOperation"/>). A 429, a spent budget, refused credentials, the batch time limit or a storage
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
    private readonly ILogger<DeliveryEngine> _logger;
    private readonly ProspectClaimStore? _claims;

    internal DeliveryEngine(
        IEnumerable<IDeliveryOperation> operations,
        DeliveryRecorder recorder,
        IConnectionState connection,
        IDeliveryObserver observer,
        IOptions<DeliveryOptions> options,
        TimeProvider time,
        ILogger<DeliveryEngine> logger,
        ProspectClaimStore? claims = null)
    {
        _operations = [.. operations];
        (_recorder, _connection, _observer, _options, _time, _logger, _claims) = (recorder, connection, observer, options.Value, time, logger, claims);
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
        var groups = Coalescer.Coalesce(deliverable, _options.MaxEventTimeSkew);
        run.Count(Names.Coalesced, deliverable.Count - groups.Count);

        // One writer per prospect across every drainer: the claims are held from the plan through the calls to the
        // recording, bulk jobs included.
        await using (run.Claims = await ClaimGate.OpenAsync(_claims, groups.Select(g => g.ProspectId), cancellationToken))
        {
            var held = await run.Claims.KeepHeldAsync(run, groups, cancellationToken);
            foreach (var operation in _operations)
            {
                await operation.DeliverAsync(run, held, cancellationToken);
            }
        }

        await _observer.BatchFinishedAsync(run.StartedAt, oldestUpdateAge, run.Counts, run.AudiencesWritten);
        var result = new DeliveryBatchResult(run.Fates(), run.Stop?.Until, _connection.IsPaused) { ProspectsNotFound = run.NotFound };
        DeliveryLog.BatchDelivered(
            _logger, batch.Count, groups.Count, run.Counted(Names.RequestsSent), result.CountDone(),
            result.Count<MessageFate.Deferred>(), result.Count<MessageFate.RetryLater>(), result.Count<MessageFate.Paused>(),
            result.Count<MessageFate.Poisoned>());
        return result;
    }
}
