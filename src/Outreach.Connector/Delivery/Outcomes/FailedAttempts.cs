using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Ledger;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>
/// Decides a message whose attempt failed without a result: retry later (backoff with jitter, or the server's hint
/// when later), or, on its last attempt, poison it into the failure ledger.
/// </summary>
internal sealed class FailedAttempts(FailureLedger ledger, Backoff backoff, DeliveryOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Poisons the message on its last attempt (when the ledger takes it), else retries it later.</summary>
    public async Task RetryOrPoisonAsync(
        BatchRun run, DeliveryMessage message, int? statusCode, string reason, DateTimeOffset? retryAtHint, CancellationToken cancellationToken)
    {
        if (message.DeliveryAttempt >= options.MaxAttempts)
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

    /// <summary>Retries the message after the backoff for its attempt, or at <paramref name="retryAtHint"/> when later; the attempt counts.</summary>
    public void RetryLater(BatchRun run, DeliveryMessage message, string reason, DateTimeOffset? retryAtHint)
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
