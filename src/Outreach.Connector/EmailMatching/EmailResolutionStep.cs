using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Mapping;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// Delivery's first planning step for updates that name their prospect by email: resolves each email (the cache, then
/// one lookup per chunk of unknown emails) and addresses the message to the prospect found, so coalescing, claims,
/// versions and every operation key on the prospect id: two emails of one prospect, or an email and the prospect's id,
/// coalesce into one write.
/// </summary>
/// <remarks>
/// <para>
/// A message addressed to a prospect is a copy (<see cref="BatchRun.AddCopy"/>): one per prospect when
/// <c>Mapping__DuplicateEmails</c> is <c>all</c>, and the message's fate is the least final of its copies'.
/// </para>
/// <para>
/// Decided here, in the run: no prospect (<c>no_prospect_for_email</c>; with <c>createProspects</c> the message goes on
/// to the operation that creates the prospect instead) and several with rule <c>skip</c> (<c>ambiguous_email</c>) are
/// excluded, not failed; a lookup Outreach refuses for good goes to the failure ledger; a spent budget or a 429 defers
/// and stops the batch's sending, refused credentials pause it, a transient failure retries. When a prospect reached by
/// email answers 404 (deleted or merged) or a create finds its email taken by another writer, the email's cache entry
/// is dropped and the email resolved once more (<see cref="ResolveAgainAsync"/>): the engine delivers the new copies in
/// a second pass.
/// </para>
/// </remarks>
internal sealed partial class EmailResolutionStep(EmailResolver resolver, DeliveryRecorder recorder, CompiledMapping mapping, TimeProvider time, ILogger<EmailResolutionStep> logger)
{
    /// <summary>
    /// The messages to deliver: those of <paramref name="messages"/> that carry a prospect id, a copy per prospect found
    /// for those named by email, and (with <c>createProspects</c>) those whose email no prospect holds; the rest are
    /// decided in <paramref name="run"/>.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryMessage>> ResolveAsync(BatchRun run, IReadOnlyList<DeliveryMessage> messages, CancellationToken cancellationToken)
    {
        var named = messages.Where(m => m.Update.NeedsResolution).ToList();
        if (named.Count == 0)
        {
            return messages;
        }

        EmailResolutionBatch resolved;
        try
        {
            resolved = await resolver.ResolveAsync([.. named.Select(m => m.Update.Email!)], cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The cache is in the same storage as the rest of delivery's state: the whole batch retries later.
            LogStorageFailed(logger, ex, named.Count);
            run.Stop = BatchStop.StorageFailed(time.GetUtcNow());
            named.ForEach(m => recorder.RetryLater(run, m, "email cache storage failed", null));
            return [.. messages.Where(m => !m.Update.NeedsResolution)];
        }

        run.Count(EmailCounterNames.CacheHits, resolved.FromCache);
        run.Count(EmailCounterNames.Lookups, resolved.Lookups);
        var targets = new List<DeliveryMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (!message.Update.NeedsResolution)
            {
                targets.Add(message);
            }
            else if (resolved.Resolutions[message.Update.Email!] is EmailResolution.Resolved found)
            {
                targets.AddRange(found.ProspectIds.Select(id => CopyFor(run, message, id)));
            }
            else if (await DecideAsync(run, message, resolved.Resolutions[message.Update.Email!], cancellationToken))
            {
                targets.Add(message);
            }
        }

        return targets;
    }

    /// <summary>
    /// After a pass over <paramref name="delivered"/>: the emails whose prospect answered 404 are forgotten and resolved
    /// once more, and those a create found already held (<see cref="BatchRun.EmailsNowHeld"/>) are resolved from the
    /// cache the create refreshed. Returns the messages for a second pass (copies to the prospects found now); a message
    /// whose email cannot be resolved now waits, and one that names no other prospect keeps its first outcome.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryMessage>> ResolveAgainAsync(BatchRun run, IReadOnlyList<DeliveryMessage> delivered, CancellationToken cancellationToken)
    {
        var affected = delivered
            .Where(m => m.Update.Email is not null
                && (m.Update.ProspectId == 0 ? run.EmailsNowHeld.Contains(m.Update.Email) : run.NotFound.Contains(m.Update.ProspectId)))
            .Select(m => run.OriginalOf(m))
            .Distinct()
            .ToList();
        if (affected.Count == 0)
        {
            return [];
        }

        var emails = affected.Select(m => m.Update.Email!).Distinct(StringComparer.Ordinal).ToList();
        var gone = emails.Where(e => !run.EmailsNowHeld.Contains(e)).ToList();
        EmailResolutionBatch resolved;
        try
        {
            foreach (var email in gone)
            {
                await resolver.InvalidateAsync(email, cancellationToken);
            }

            resolved = await resolver.ResolveAsync(emails, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The 404s stay recorded; the next update of these emails resolves them again.
            LogStorageFailed(logger, ex, affected.Count);
            return [];
        }

        run.Count(EmailCounterNames.Invalidated, gone.Count);
        run.Count(EmailCounterNames.CacheHits, resolved.FromCache);
        run.Count(EmailCounterNames.Lookups, resolved.Lookups);
        var again = new List<DeliveryMessage>();
        foreach (var message in affected)
        {
            switch (resolved.Resolutions[message.Update.Email!])
            {
                case EmailResolution.Resolved found:
                    again.AddRange(found.ProspectIds.Where(id => !run.NotFound.Contains(id)).Select(id => CopyFor(run, message, id)));
                    break;
                case EmailResolution.NotYet notYet:
                    // Not resolvable now: the message waits rather than completing with the 404 alone.
                    await DecideAsync(run, message, notYet, cancellationToken);
                    break;
                case EmailResolution.Ambiguous when message.Update.ProspectId == 0:
                    Exclude(run, message, ExclusionReasons.AmbiguousEmail);
                    break;
                case EmailResolution.NoProspect when message.Update.ProspectId == 0:
                    // Outreach said the email is taken, and a look-up cannot see the prospect yet: try again later.
                    await recorder.RetryOrPoisonAsync(run, message, null, "another prospect holds the email, and a look-up does not find it yet", null, cancellationToken);
                    break;
                default:
                    // No prospect, or several: the 404 already recorded is the message's outcome.
                    break;
            }
        }

        return again;
    }

    private static DeliveryMessage CopyFor(BatchRun run, DeliveryMessage message, long prospectId)
    {
        var copy = message with { Update = message.Update with { ProspectId = prospectId } };
        run.AddCopy(message, copy);
        return copy;
    }

    // Decides a message whose email did not resolve to prospects to update; true when it goes on to be created.
    private async Task<bool> DecideAsync(BatchRun run, DeliveryMessage message, EmailResolution resolution, CancellationToken cancellationToken)
    {
        var unused = message.DeliveryAttempt - 1;
        switch (resolution)
        {
            case EmailResolution.NoProspect when mapping.CreateProspects:
                return true;

            case EmailResolution.NoProspect:
                Exclude(run, message, ExclusionReasons.NoProspectForEmail);
                return false;

            case EmailResolution.Ambiguous ambiguous:
                Exclude(run, message, ExclusionReasons.AmbiguousEmail);
                LogAmbiguous(logger, message.MessageId, string.Join(',', ambiguous.ProspectIds));
                return false;

            case EmailResolution.Rejected rejected:
                // A lookup refused for good cannot succeed by waiting: it goes to the ledger at once, like a rejected PATCH.
                await recorder.RetryOrPoisonAsync(
                    run, message, rejected.StatusCode, $"Outreach refused the email lookup ({rejected.StatusCode} {rejected.Error?.Id}).", null, cancellationToken, poisonNow: true);
                return false;

            case EmailResolution.NotYet { Wait: ResolutionWait.Retry } retry:
                await recorder.RetryOrPoisonAsync(run, message, null, retry.Reason, retry.Until, cancellationToken);
                return false;

            case EmailResolution.NotYet { Wait: ResolutionWait.Pause } pause:
                var probeAt = pause.Until ?? time.GetUtcNow();
                run.Stop ??= BatchStop.Pause(probeAt);
                run.Decide(message, new MessageFate.Paused(message.MessageId, unused, probeAt));
                run.Count(Names.Paused, 1);
                return false;

            case EmailResolution.NotYet defer:
                // No permit or a 429: nothing else of the batch can be sent either.
                var until = defer.Until ?? time.GetUtcNow();
                run.Stop ??= BatchStop.Defer(until);
                run.Decide(message, new MessageFate.Deferred(message.MessageId, unused, until));
                run.Count(Names.Deferred, 1);
                return false;

            default:
                throw new InvalidOperationException($"Unexpected resolution {resolution.GetType().Name}.");
        }
    }

    private static void Exclude(BatchRun run, DeliveryMessage message, string reason)
    {
        run.Decide(message, new MessageFate.Excluded(message.MessageId, message.DeliveryAttempt));
        run.Count(Names.Excluded, 1);
        run.Count(Names.ExcludedFor(reason), 1);
    }

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Email resolution storage failed; {Messages} messages retry later")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, int messages);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Information, Message = "Message {MessageId} excluded (ambiguous_email): prospects {ProspectIds} share its email and Mapping__DuplicateEmails is skip")]
    private static partial void LogAmbiguous(ILogger logger, string messageId, string prospectIds);
}
