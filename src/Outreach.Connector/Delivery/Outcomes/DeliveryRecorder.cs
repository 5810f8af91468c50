using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>
/// The record step of delivery: what a write's answer leaves behind. The versions of what Outreach now holds, the failure
/// ledger, the counters, and the fate of each message, written once here whichever call made the write.
/// </summary>
/// <remarks>
/// A message whose attempt failed without a result is retried later (backoff with jitter, or the server's hint when
/// later) or, on its last attempt, poisoned into the failure ledger. Storage failures of the versions after a write are
/// logged and absorbed: Outreach has the update, so its messages are done.
/// </remarks>
public sealed class DeliveryRecorder(
    FieldVersionStore versions,
    FailureLedger ledger,
    Backoff backoff,
    IDeliveryObserver observer,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryRecorder> logger)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>Outreach applied <paramref name="sent"/>: records <paramref name="recorded"/> (the sent fields and those it already held), counts, and delivers the group's messages.</summary>
    internal async Task WrittenAsync(
        BatchRun run, CoalescedUpdate group, AppliedFieldVersions? before, IReadOnlyDictionary<string, CoalescedField> sent,
        IReadOnlyDictionary<string, CoalescedField> recorded, CancellationToken cancellationToken)
    {
        await RecordVersionsAsync(group, before, recorded, cancellationToken);
        Delivered(run, group, sent);
    }

    /// <summary>Outreach applied <paramref name="sent"/> and its versions are recorded: counts the write and delivers the group's messages.</summary>
    internal void Delivered(BatchRun run, CoalescedUpdate group, IReadOnlyDictionary<string, CoalescedField> sent)
    {
        run.Decide(group, (id, attempts) => new MessageFate.Delivered(id, attempts));
        run.Count(Names.Applied, 1);
        foreach (var (_, field) in sent)
        {
            if (field.Change.AudienceId is { } audienceId)
            {
                var written = field.Change.Value.AsString() ?? field.Change.Value.Json;
                run.Count(Names.AudienceWritten(audienceId, written), 1);
                run.AudiencesWritten.Add(audienceId);
                observer.AudienceWritten(audienceId, written);
            }
        }

        run.Count(Names.MessagesApplied, group.Messages.Count);
        DeliveryLog.Applied(logger, group.ProspectId, sent.Count, group.Messages.Count);
    }

    /// <summary>
    /// Outreach refused <paramref name="sent"/> for good: the group goes to the failure ledger, and the fields Outreach
    /// already held (in <paramref name="recorded"/> but not sent) are recorded all the same, so an older export cannot follow.
    /// </summary>
    internal async Task RejectedAsync(
        BatchRun run, CoalescedUpdate group, AppliedFieldVersions? before, IReadOnlyDictionary<string, CoalescedField> sent,
        IReadOnlyDictionary<string, CoalescedField> recorded, OutreachCallOutcome.Permanent rejected, CancellationToken cancellationToken)
    {
        if (rejected.StatusCode == 404)
        {
            run.NotFound.Add(group.ProspectId);
        }

        if (recorded.Count > sent.Count)
        {
            await RecordVersionsAsync(group, before, UnchangedFields.Without(recorded, sent), cancellationToken);
        }

        var entry = await ledger.RecordRejectionAsync(
            Coalescer.ToUpdate(group, sent), rejected, group.Messages.Select(m => m.MessageId).ToList(), group.Messages.Max(m => m.DeliveryAttempt), cancellationToken);
        DeliveryLog.Rejected(logger, group.ProspectId, entry.Explanation, rejected.StatusCode, entry.ErrorId, entry.Key);
        run.Decide(group, (id, attempts) => new MessageFate.Rejected(id, attempts));
        run.Count(Names.Failed, 1);
        run.Count(Names.FailedWith(entry.Key.Partition), 1);
        run.Count(Names.MessagesFailed, group.Messages.Count);
    }

    /// <summary>Logs what became of a batch of <paramref name="messages"/> messages for <paramref name="prospects"/> prospects.</summary>
    internal void BatchDelivered(BatchRun run, int messages, int prospects, DeliveryBatchResult result) =>
        DeliveryLog.BatchDelivered(
            logger, messages, prospects, run.Counted(Names.RequestsSent), result.CountDone(), result.Count<MessageFate.Deferred>(),
            result.Count<MessageFate.RetryLater>(), result.Count<MessageFate.Paused>(), result.Count<MessageFate.Poisoned>());

    /// <summary>Poisons the message on its last attempt, or at once when <paramref name="poisonNow"/> (refused for good), when the ledger takes it; else retries it later.</summary>
    internal async Task RetryOrPoisonAsync(
        BatchRun run, DeliveryMessage message, int? statusCode, string reason, DateTimeOffset? retryAtHint, CancellationToken cancellationToken, bool poisonNow = false)
    {
        if (poisonNow || message.DeliveryAttempt >= _options.MaxAttempts)
        {
            try
            {
                var entry = await ledger.RecordPoisonAsync(message.Update, message.MessageId, message.DeliveryAttempt, statusCode, reason, cancellationToken);
                run.Decide(message, new MessageFate.Poisoned(message.MessageId, message.DeliveryAttempt, entry.Key));
                run.Count(Names.Poisoned, 1);
                DeliveryLog.Poisoned(logger, message.MessageId, message.Update.ProspectId, message.DeliveryAttempt, entry.Key);
                return;
            }
            catch (RequestFailedException ex)
            {
                // Completing it unrecorded would lose it: keep it (one more attempt) until the ledger can take it.
                DeliveryLog.LedgerUnavailable(logger, ex, message.MessageId);
            }
        }

        RetryLater(run, message, reason, retryAtHint);
    }

    /// <summary>Decides the group's messages by the batch's stop (deferred, paused, or retried after a storage failure).</summary>
    /// <summary>
    /// Outreach refused the credentials (the pipeline has marked the connection): sending stops until the next probe and
    /// the group's messages are paused.
    /// </summary>
    internal void Pause(BatchRun run, CoalescedUpdate group)
    {
        run.Stop ??= BatchStop.Pause(time.GetUtcNow() + _options.UnauthorizedHold);
        ApplyStop(run, group);
    }

    internal void ApplyStop(BatchRun run, CoalescedUpdate group) =>
        run.ApplyStop(group, message => RetryLater(run, message, "delivery state storage failed", null));

    /// <summary>
    /// The first versions of a prospect just created, from the fields its create carried, recorded only when nothing is
    /// recorded for it yet. False when another writer recorded some first (it found the prospect by look-up and wrote
    /// it): the create's fields are then not known to be what Outreach holds, and must go again by the ordinary path.
    /// </summary>
    internal async Task<bool> TryStartVersionsAsync(CoalescedUpdate created, CancellationToken cancellationToken)
    {
        var before = await versions.ReadAsync(created.ProspectId, cancellationToken);
        if (before.Fields.Count > 0)
        {
            return false;
        }

        await RecordVersionsAsync(created, before, created.Fields, cancellationToken);
        return true;
    }

    /// <summary>Records the versions of fields Outreach now holds; a storage failure is logged, not thrown.</summary>
    internal async Task RecordVersionsAsync(
        CoalescedUpdate group, AppliedFieldVersions? before, IReadOnlyDictionary<string, CoalescedField> fields, CancellationToken cancellationToken)
    {
        try
        {
            var applied = fields.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
            var recorded = await versions.RecordAppliedAsync(group.ProspectId, applied, before, cancellationToken);
            if (recorded.Superseded.Count > 0)
            {
                DeliveryLog.VersionsSuperseded(logger, group.ProspectId, recorded.Superseded.Count);
            }
        }
        catch (RequestFailedException ex)
        {
            // Outreach has the update, so the messages are done; without the versions a redelivery would resend the
            // same values (harmless), but an older update could also get through until the next recorded version.
            DeliveryLog.VersionsNotRecorded(logger, ex, group.ProspectId);
        }
    }

    /// <summary>Retries the message after the backoff for its attempt, or at the hint when later; the attempt counts.</summary>
    internal void RetryLater(BatchRun run, DeliveryMessage message, string reason, DateTimeOffset? retryAtHint)
    {
        var now = time.GetUtcNow();
        var retryAt = now + backoff.DelayAfter(message.DeliveryAttempt);
        if (retryAtHint is { } hint && hint > retryAt)
        {
            retryAt = hint;
        }

        run.Decide(message, new MessageFate.RetryLater(message.MessageId, message.DeliveryAttempt, retryAt, retryAt - now, reason));
        run.Count(Names.Retried, 1);
    }
}
