using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Mapping;
using Outreach.Connector.Updates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// The step before coalescing that turns updates naming their prospect by email into updates for prospect ids, hands
/// the batch to the engine, and folds the engine's fates back onto the original messages.
/// </summary>
/// <remarks>
/// <para>
/// Because the engine sees prospect ids only, coalescing, ordering and field versions all key on the resolved
/// prospect: two emails of one prospect, or an email and the prospect's id, coalesce into one PATCH. A batch without
/// email updates goes to the engine untouched.
/// </para>
/// <para>
/// Messages decided here never reach the engine: no prospect (<c>no_prospect_for_email</c>) and several with rule
/// <c>skip</c> (<c>ambiguous_email</c>) are completed as excluded, not failed; a lookup Outreach refuses for good is
/// recorded in the failure ledger; a spent budget or a 429 defers, a transient failure retries (poisoning on the last
/// attempt), refused credentials hold. When a PATCH to a resolved prospect is answered 404 (deleted or merged), the
/// email's cache entry is dropped and the email resolved once more; if it now names other prospects they are sent in
/// a second pass of the engine.
/// </para>
/// </remarks>
public sealed partial class EmailResolutionStage
{
    private readonly EmailResolver _resolver;
    private readonly DeliveryCounters _counters;
    private readonly FailureLedger _ledger;
    private readonly Backoff _backoff;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EmailResolutionStage> _logger;

    /// <summary>Creates the stage.</summary>
    public EmailResolutionStage(
        EmailResolver resolver, DeliveryCounters counters, FailureLedger ledger, Backoff backoff, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<EmailResolutionStage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Resolves the batch's emails, delivers through <paramref name="deliver"/> and returns one fate per message of <paramref name="batch"/>.</summary>
    public async Task<DeliveryBatchResult> DeliverAsync(
        IReadOnlyList<DeliveryMessage> batch, Func<IReadOnlyList<DeliveryMessage>, CancellationToken, Task<DeliveryBatchResult>> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(deliver);

        // Messages past their attempts go to the engine as they are: it poisons them without resolving anything.
        static bool Resolvable(DeliveryMessage m, int maxAttempts) => m.Update.NeedsResolution && m.DeliveryAttempt <= maxAttempts;
        if (!batch.Any(m => Resolvable(m, _options.MaxAttempts)))
        {
            return await deliver(batch, cancellationToken);
        }

        var run = new StageRun(batch.Count, _time.GetUtcNow());
        EmailResolutionBatch resolved;
        try
        {
            resolved = await _resolver.ResolveAsync([.. batch.Where(m => Resolvable(m, _options.MaxAttempts)).Select(m => m.Update.Email!)], cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The cache is in the same storage as the rest of delivery's state: retry the whole batch later.
            LogStorageFailed(_logger, ex, batch.Count);
            return new DeliveryBatchResult([.. batch.Select(m => RetryLater(m, "email cache storage failed"))], null, false);
        }

        run.Count(EmailCounterNames.CacheHits, resolved.FromCache);
        run.Count(EmailCounterNames.Lookups, resolved.Lookups);

        var copies = new List<(int Original, DeliveryMessage Copy)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (!Resolvable(message, _options.MaxAttempts))
            {
                copies.Add((i, message));
                continue;
            }

            var resolution = resolved.Resolutions[message.Update.Email!];
            if (resolution is EmailResolution.Resolved found)
            {
                copies.AddRange(found.ProspectIds.Select(id => (i, ForProspect(message, id))));
            }
            else
            {
                run.Decided[i] = await DecideAsync(run, message, resolution, cancellationToken);
            }
        }

        var result = await DeliverCopiesAsync(batch, copies, run, deliver, cancellationToken);
        await StoreCountersAsync(run);
        return result;
    }

    private async Task<DeliveryBatchResult> DeliverCopiesAsync(
        IReadOnlyList<DeliveryMessage> batch,
        List<(int Original, DeliveryMessage Copy)> copies,
        StageRun run,
        Func<IReadOnlyList<DeliveryMessage>, CancellationToken, Task<DeliveryBatchResult>> deliver,
        CancellationToken cancellationToken)
    {
        var byOriginal = new Dictionary<int, List<MessageFate>>();
        var passes = new List<DeliveryBatchResult>();
        if (copies.Count > 0)
        {
            var first = await PassAsync(copies, byOriginal, deliver, cancellationToken);
            passes.Add(first);
            var again = await ResolveNotFoundAgainAsync(batch, copies, first.ProspectsNotFound, run, byOriginal, cancellationToken);
            if (again.Count > 0)
            {
                passes.Add(await PassAsync(again, byOriginal, deliver, cancellationToken));
            }
        }

        var fates = new MessageFate[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            fates[i] = run.Decided[i] ?? WithOriginalId(batch[i], FateMerge.LeastFinal(byOriginal[i]));
        }

        var resumesAt = passes.Select(p => p.SendingResumesAt).Append(run.ResumesAt).Where(t => t is not null).Max();
        return new DeliveryBatchResult(fates, resumesAt, passes.Any(p => p.ConnectionPaused) || run.Paused);
    }

    private static async Task<DeliveryBatchResult> PassAsync(
        List<(int Original, DeliveryMessage Copy)> copies,
        Dictionary<int, List<MessageFate>> byOriginal,
        Func<IReadOnlyList<DeliveryMessage>, CancellationToken, Task<DeliveryBatchResult>> deliver,
        CancellationToken cancellationToken)
    {
        var result = await deliver([.. copies.Select(c => c.Copy)], cancellationToken);
        for (var j = 0; j < copies.Count; j++)
        {
            AddTo(byOriginal, copies[j].Original, result.Fates[j]);
        }

        return result;
    }

    // A prospect resolved from an email answered 404 (deleted or merged): forget the email and resolve it once more.
    // Returns the copies for prospects found now; a message whose email cannot be resolved now waits instead.
    private async Task<List<(int Original, DeliveryMessage Copy)>> ResolveNotFoundAgainAsync(
        IReadOnlyList<DeliveryMessage> batch,
        List<(int Original, DeliveryMessage Copy)> copies,
        IReadOnlySet<long> notFound,
        StageRun run,
        Dictionary<int, List<MessageFate>> byOriginal,
        CancellationToken cancellationToken)
    {
        var affected = copies
            .Where(c => batch[c.Original].Update.NeedsResolution && notFound.Contains(c.Copy.Update.ProspectId))
            .Select(c => c.Original)
            .Distinct()
            .ToList();
        if (affected.Count == 0)
        {
            return [];
        }

        var emails = affected.Select(i => batch[i].Update.Email!).Distinct(StringComparer.Ordinal).ToList();
        EmailResolutionBatch resolved;
        try
        {
            foreach (var email in emails)
            {
                await _resolver.InvalidateAsync(email, cancellationToken);
            }

            resolved = await _resolver.ResolveAsync(emails, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The 404s stay recorded; the next update of these emails resolves them again.
            LogStorageFailed(_logger, ex, affected.Count);
            return [];
        }

        run.Count(EmailCounterNames.Invalidated, emails.Count);
        run.Count(EmailCounterNames.CacheHits, resolved.FromCache);
        run.Count(EmailCounterNames.Lookups, resolved.Lookups);
        var again = new List<(int Original, DeliveryMessage Copy)>();
        foreach (var i in affected)
        {
            var message = batch[i];
            switch (resolved.Resolutions[message.Update.Email!])
            {
                case EmailResolution.Resolved found:
                    again.AddRange(found.ProspectIds.Where(id => !notFound.Contains(id)).Select(id => (i, ForProspect(message, id))));
                    break;
                case EmailResolution.NotYet notYet:
                    // Not resolvable now: the message waits rather than completing with the 404 alone.
                    byOriginal[i] = [await DecideAsync(run, message, notYet, cancellationToken)];
                    break;
                default:
                    // No prospect, or several: the 404 already recorded is the message's outcome.
                    break;
            }
        }

        return again;
    }

    private async Task<MessageFate> DecideAsync(StageRun run, DeliveryMessage message, EmailResolution resolution, CancellationToken cancellationToken)
    {
        var unused = message.DeliveryAttempt - 1;
        switch (resolution)
        {
            case EmailResolution.NoProspect:
                run.Count(Names.Received, 1);
                run.Count(Names.Excluded, 1);
                run.Count(Names.ExcludedFor(ExclusionReasons.NoProspectForEmail), 1);
                return new MessageFate.Excluded(message.MessageId, message.DeliveryAttempt);

            case EmailResolution.Ambiguous ambiguous:
                run.Count(Names.Received, 1);
                run.Count(Names.Excluded, 1);
                run.Count(Names.ExcludedFor(ExclusionReasons.AmbiguousEmail), 1);
                LogAmbiguous(_logger, message.MessageId, string.Join(',', ambiguous.ProspectIds));
                return new MessageFate.Excluded(message.MessageId, message.DeliveryAttempt);

            case EmailResolution.Rejected rejected:
                run.Count(Names.Received, 1);
                return await RetryOrPoisonAsync(run, message, rejected.StatusCode, $"Outreach refused the email lookup ({rejected.StatusCode} {rejected.Error?.Id}).", cancellationToken, finalAttempt: true);

            case EmailResolution.NotYet { Wait: ResolutionWait.Retry } retry:
                run.Count(Names.Received, 1);
                return await RetryOrPoisonAsync(run, message, null, retry.Reason, cancellationToken, finalAttempt: false, hint: retry.Until);

            case EmailResolution.NotYet { Wait: ResolutionWait.Pause } hold:
                run.Count(Names.Received, 1);
                run.Count(Names.Paused, 1);
                run.Paused = true;
                run.ResumeAt(hold.Until);
                return new MessageFate.Paused(message.MessageId, unused, hold.Until ?? _time.GetUtcNow() + _options.UnauthorizedHold);

            case EmailResolution.NotYet defer:
                run.Count(Names.Received, 1);
                run.Count(Names.Deferred, 1);
                var until = defer.Until ?? _time.GetUtcNow();
                run.ResumeAt(until);
                return new MessageFate.Deferred(message.MessageId, unused, until);

            default:
                throw new InvalidOperationException($"Unexpected resolution {resolution.GetType().Name}.");
        }
    }

    // A lookup refused for good cannot succeed by waiting: it goes to the ledger at once, like a rejected PATCH.
    private async Task<MessageFate> RetryOrPoisonAsync(
        StageRun run, DeliveryMessage message, int? statusCode, string reason, CancellationToken cancellationToken, bool finalAttempt, DateTimeOffset? hint = null)
    {
        if (finalAttempt || message.DeliveryAttempt >= _options.MaxAttempts)
        {
            try
            {
                var entry = await _ledger.RecordPoisonAsync(message.Update, message.MessageId, message.DeliveryAttempt, statusCode, reason, cancellationToken);
                run.Count(Names.Poisoned, 1);
                return new MessageFate.Poisoned(message.MessageId, message.DeliveryAttempt, entry.Key);
            }
            catch (RequestFailedException ex)
            {
                LogStorageFailed(_logger, ex, 1);
            }
        }

        run.Count(Names.Retried, 1);
        var retry = RetryLater(message, reason);
        return hint is { } at && at > retry.RetryAt ? retry with { RetryAt = at, Delay = at - _time.GetUtcNow() } : retry;
    }

    private MessageFate.RetryLater RetryLater(DeliveryMessage message, string reason)
    {
        var delay = _backoff.DelayAfter(message.DeliveryAttempt);
        return new MessageFate.RetryLater(message.MessageId, message.DeliveryAttempt, _time.GetUtcNow() + delay, delay, reason);
    }

    private static DeliveryMessage ForProspect(DeliveryMessage message, long prospectId) =>
        message with { Update = message.Update with { ProspectId = prospectId } };

    private static MessageFate WithOriginalId(DeliveryMessage original, MessageFate fate) =>
        fate.MessageId == original.MessageId ? fate : fate with { MessageId = original.MessageId };

    private static void AddTo(Dictionary<int, List<MessageFate>> byOriginal, int original, MessageFate fate)
    {
        if (!byOriginal.TryGetValue(original, out var list))
        {
            byOriginal[original] = list = [];
        }

        list.Add(fate);
    }

    private async Task StoreCountersAsync(StageRun run)
    {
        try
        {
            await _counters.IncrementAsync(run.StartedAt, run.Counts, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Counters are telemetry: losing them must not redeliver the batch.
            LogStorageFailed(_logger, ex, 0);
        }
    }

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Email resolution storage failed; {Messages} messages retry later")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, int messages);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Information, Message = "Message {MessageId} excluded (ambiguous_email): prospects {ProspectIds} share its email and Mapping__DuplicateEmails is skip")]
    private static partial void LogAmbiguous(ILogger logger, string messageId, string prospectIds);

    private sealed class StageRun(int count, DateTimeOffset startedAt)
    {
        public DateTimeOffset StartedAt { get; } = startedAt;

        public MessageFate?[] Decided { get; } = new MessageFate?[count];

        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        public bool Paused { get; set; }

        public DateTimeOffset? ResumesAt { get; private set; }

        public void ResumeAt(DateTimeOffset? at)
        {
            if (at is { } time && (ResumesAt is null || time > ResumesAt))
            {
                ResumesAt = time;
            }
        }

        public void Count(string name, long amount)
        {
            if (amount != 0)
            {
                Counts[name] = Counts.GetValueOrDefault(name) + amount;
            }
        }
    }
}
