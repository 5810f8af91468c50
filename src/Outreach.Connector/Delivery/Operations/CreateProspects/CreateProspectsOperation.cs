using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Operations.CreateProspects;

/// <summary>
/// The operation "create the prospect this email names" (mapping <c>createProspects</c>): for each update whose email
/// no prospect holds, in delivery's three steps: <b>plan</b> (claim the email, <see cref="NewProspectClaims"/>; look it
/// up first when an earlier create may have been applied), <b>call</b> (one <c>POST /prospects</c> with the email, the
/// new-prospect defaults and the update's fields, after a permit from the shared budget), <b>record</b> (the new id into
/// the email cache and the claim at once, the fields' versions from the create, the messages delivered and counted as
/// created).
/// </summary>
/// <remarks>
/// Runs before the operations that write existing prospects. Exactly one prospect per email (docs/architecture.md,
/// "Creating a prospect exactly once"): a create whose answer is lost leaves the claim "uncertain" and the messages
/// retry, and every later claim looks the email up before creating; a 422 "already taken" means another writer won:
/// the update goes to that prospect in the batch's second pass. A prospect another drainer recorded after the "no
/// prospect" answer this batch holds (in the cache, or in the claim row) is handed over to the second pass without a
/// look-up: a hand-over never creates. A refused domain or another validation 422 is a permanent failure with its
/// reason in the ledger (<c>excluded_email_domain</c>, …), never retried.
/// </remarks>
internal sealed partial class CreateProspectsOperation(
    NewProspectClaims claims,
    IOutreachProspectCreator outreach,
    PermitTaker permits,
    DeliveryRecorder recorder,
    TimeProvider time,
    ILogger<CreateProspectsOperation> logger,
    CompiledMapping? mapping = null,
    EmailResolver? emailResolver = null) : IDeliveryOperation
{
    // Updates for prospects to create only exist when the mapping matches by email (EmailMatching registers both).
    private EmailResolver Emails => emailResolver ?? throw new InvalidOperationException("Creating prospects needs email resolution.");

    /// <summary>The ledger's reason for an email Outreach refuses because of its domain.</summary>
    public const string ExcludedEmailDomain = "excluded_email_domain";

    /// <inheritdoc />
    public async Task DeliverAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var creating = groups.Where(g => g.NewProspectEmail is not null).ToList();
        try
        {
            await LookUpTogetherAsync(run, creating, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Only an optimisation failed: each create below claims and looks first on its own, or stops the batch.
            LogStorageFailed(logger, ex);
        }

        foreach (var group in creating)
        {
            if (run.Stop is not null)
            {
                recorder.ApplyStop(run, group);
                continue;
            }

            try
            {
                await CreateAsync(run, group, cancellationToken);
            }
            catch (RequestFailedException ex)
            {
                // The claim or the cache could not be written: stop, and let everything not decided retry later.
                LogStorageFailed(logger, ex);
                run.Stop = BatchStop.StorageFailed(time.GetUtcNow());
                if (run.FateOf(group.Messages[0]) is null)
                {
                    recorder.ApplyStop(run, group);
                }
            }
        }
    }

    private async Task CreateAsync(BatchRun run, CoalescedUpdate group, CancellationToken cancellationToken)
    {
        // Plan: a prospect another drainer recorded since this batch resolved the email is handed over (no look-up);
        // otherwise the email's claim, and a create that may already have been applied is looked up first.
        var email = group.NewProspectEmail!;
        var cached = await Emails.CachedAsync(email, cancellationToken);
        if (cached is { ProspectIds.Count: > 0 })
        {
            HandOver(run, email);
            return;
        }

        var claim = await claims.ClaimAsync(Emails.Hash(email), cached?.AskedAt, cancellationToken);
        switch (claim)
        {
            case NewProspectClaim.HeldElsewhere held:
                run.Decide(group, (id, attempts) => new MessageFate.Deferred(id, attempts - 1, held.RetryAt));
                run.Count(Names.Deferred, group.Messages.Count);
                run.Count(Names.CreateWaits, 1);
                return;

            case NewProspectClaim.AlreadyCreated created:
                // The cache lost the id (a stale "no prospect" written over it, or a crash before it was stored).
                await Emails.RememberAsync(email, created.ProspectId, cancellationToken);
                HandOver(run, email);
                return;
        }

        var won = (NewProspectClaim.Won)claim;
        if (won.LookFirst && !await StillMissingAsync(run, group, won, cancellationToken))
        {
            return;
        }

        // Call: one create, under the shared budget.
        if (await permits.TakeAsync(1, run.Deadline, cancellationToken) is { } refusedUntil)
        {
            await claims.ReleaseAsync(won, cancellationToken);
            run.Stop = BatchStop.Defer(refusedUntil);
            recorder.ApplyStop(run, group);
            return;
        }

        var outcome = await outreach.CreateProspectAsync(Attributes(group, email), mapping?.NewProspectOwnerId, cancellationToken);
        run.Count(outcome is OutreachCallOutcome.Succeeded { DryRun: true } ? Names.DryRunCreated : Names.CreatesSent, 1);

        // Record.
        await RecordAsync(run, group, won, outcome, cancellationToken);
    }

    private async Task RecordAsync(BatchRun run, CoalescedUpdate group, NewProspectClaim.Won won, OutreachCallOutcome outcome, CancellationToken cancellationToken)
    {
        var email = group.NewProspectEmail!;
        switch (outcome)
        {
            case OutreachCallOutcome.Succeeded<long> { Value: var prospectId }:
                await CreatedAsync(run, group, won, prospectId, cancellationToken);
                run.Count(Names.Created, 1);
                LogCreated(logger, prospectId, group.Fields.Count, group.Messages.Count);
                break;

            case OutreachCallOutcome.Succeeded:
                // A dry run: recorded as planned, nothing created.
                await claims.ReleaseAsync(won, cancellationToken);
                recorder.Delivered(run, group, group.Fields);
                break;

            case OutreachCallOutcome.Permanent taken when IsEmailTaken(taken):
                await claims.ReleaseAsync(won, cancellationToken);
                run.Count(Names.CreateConflicts, 1);
                await StillMissingAsync(run, group, won: null, cancellationToken);
                break;

            case OutreachCallOutcome.Permanent refused:
                await claims.ReleaseAsync(won, cancellationToken);
                await recorder.RejectedAsync(run, group, null, group.Fields, group.Fields, WithReason(refused), cancellationToken);
                break;

            case OutreachCallOutcome.RateLimited limited:
                await claims.ReleaseAsync(won, cancellationToken);
                run.Count(Names.RateLimited, 1);
                run.Stop = BatchStop.Defer(await permits.Budget.BlockAsync(limited.RetryAt, cancellationToken));
                recorder.ApplyStop(run, group);
                break;

            case OutreachCallOutcome.Unauthorized:
                await claims.ReleaseAsync(won, cancellationToken);
                recorder.Pause(run, group);
                break;

            case OutreachCallOutcome.Transient lost:
                // Applied or not, no one knows: whoever tries next looks the email up first.
                await claims.UncertainAsync(won, cancellationToken);
                run.Count(Names.CreatesUncertain, 1);
                await RetryAsync(run, group, lost.StatusCode, lost.Reason, lost.RetryAt, cancellationToken);
                break;

            case OutreachCallOutcome.NotSent notSent:
                await claims.ReleaseAsync(won, cancellationToken);
                await RetryAsync(run, group, null, notSent.Reason, null, cancellationToken);
                break;

            default:
                throw new InvalidOperationException($"Unknown Outreach outcome {outcome.GetType().Name}.");
        }
    }

    // The create applied the group's fields. They become the prospect's first versions only under the prospect's claim,
    // and only if no one recorded any since: a drainer that found the prospect by look-up (after an earlier lost answer)
    // may have written an older export to it meanwhile, and recording the create's versions over that would leave
    // Outreach holding the older value for good. Otherwise the group goes again, ordered by the ordinary path against
    // what that writer recorded. The claim row and the cache follow the versions, so the prospect's first versions are
    // in place before any drainer learns its id from them.
    private async Task CreatedAsync(BatchRun run, CoalescedUpdate group, NewProspectClaim.Won won, long prospectId, CancellationToken cancellationToken)
    {
        var created = group with { ProspectId = prospectId };
        var (held, release) = await claims.ClaimCreatedProspectAsync(prospectId, cancellationToken);
        await using (release)
        {
            var first = held && await recorder.TryStartVersionsAsync(created, cancellationToken);
            await claims.CreatedAsync(won, prospectId, cancellationToken);
            await Emails.RememberAsync(group.NewProspectEmail!, prospectId, cancellationToken);
            if (first)
            {
                recorder.Delivered(run, created, group.Fields);
                return;
            }
        }

        var retryAt = time.GetUtcNow() + claims.ConflictDelay;
        run.Decide(group, (id, attempts) => new MessageFate.Deferred(id, attempts - 1, retryAt));
        run.Count(Names.Deferred, group.Messages.Count);
        run.Count(Names.CreatedWrittenMeanwhile, 1);
    }

    // With a look-up that takes several emails, the emails whose claim says "look first" (mostly a create whose answer
    // was lost, and which Outreach applied) are looked up together, in as few requests as the look-up allows, instead of
    // one request each after each claim. This only refreshes the cache: a prospect found there is handed over below
    // (a look-up saw it hold the email, so nothing is created); an email still without one is claimed and looked up
    // once more after its claim, as step 2 of "Creating a prospect exactly once" needs (a look-up made before the claim
    // could miss a create another drainer made in between).
    private async Task LookUpTogetherAsync(BatchRun run, List<CoalescedUpdate> creating, CancellationToken cancellationToken)
    {
        if (Emails.EmailsPerLookup < 2 || creating.Count < 2 || run.Stop is not null)
        {
            return;
        }

        var lookFirst = new List<string>();
        foreach (var email in creating.Select(g => g.NewProspectEmail!).Distinct(StringComparer.Ordinal))
        {
            var cached = await Emails.CachedAsync(email, cancellationToken);
            if (cached is not { ProspectIds.Count: > 0 } && await claims.WouldLookFirstAsync(Emails.Hash(email), cached?.AskedAt, cancellationToken))
            {
                lookFirst.Add(email);
            }
        }

        // One alone costs the same looked up after its claim.
        if (lookFirst.Count >= 2)
        {
            run.Count(EmailCounterNames.Lookups, (await Emails.LookUpNowAsync(lookFirst, cancellationToken)).Lookups);
        }
    }

    // Looks the email up now. True when no prospect holds it (create it); otherwise the group is decided or handed to
    // the second pass, and the claim (when held) settled.
    private async Task<bool> StillMissingAsync(BatchRun run, CoalescedUpdate group, NewProspectClaim.Won? won, CancellationToken cancellationToken)
    {
        var email = group.NewProspectEmail!;
        var found = await Emails.LookUpNowAsync(email, cancellationToken);
        run.Count(EmailCounterNames.Lookups, 1);
        switch (found)
        {
            case EmailResolution.NoProspect when won is not null:
                return true;

            case EmailResolution.Resolved or EmailResolution.Ambiguous or EmailResolution.NoProspect:
                // Held by a prospect another writer created (or a look-up not yet seeing it): the second pass decides.
                if (won is not null && found is EmailResolution.Resolved { ProspectIds: [var id, ..] })
                {
                    await claims.CreatedAsync(won, id, cancellationToken);
                }
                else if (won is not null)
                {
                    await claims.ReleaseAsync(won, cancellationToken);
                }

                run.EmailsNowHeld.Add(email);
                return false;

            case EmailResolution.NotYet { Wait: ResolutionWait.Defer } defer:
                await ReleaseIfHeldAsync(won, cancellationToken);
                run.Stop = BatchStop.Defer(defer.Until ?? time.GetUtcNow());
                recorder.ApplyStop(run, group);
                return false;

            case EmailResolution.NotYet { Wait: ResolutionWait.Pause }:
                await ReleaseIfHeldAsync(won, cancellationToken);
                recorder.Pause(run, group);
                return false;

            default:
                await ReleaseIfHeldAsync(won, cancellationToken);
                var reason = found is EmailResolution.NotYet notYet ? notYet.Reason : "Outreach refused the look-up of a new prospect's email.";
                await RetryAsync(run, group, null, reason, (found as EmailResolution.NotYet)?.Until, cancellationToken);
                return false;
        }
    }

    // The prospect is in the cache: the batch's second pass resolves the email from it and sends the update there.
    private static void HandOver(BatchRun run, string email)
    {
        run.EmailsNowHeld.Add(email);
        run.Count(Names.CreatesHandedOver, 1);
    }

    private Task ReleaseIfHeldAsync(NewProspectClaim.Won? won, CancellationToken cancellationToken) =>
        won is null ? Task.CompletedTask : claims.ReleaseAsync(won, cancellationToken);

    private async Task RetryAsync(BatchRun run, CoalescedUpdate group, int? statusCode, string reason, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        foreach (var message in group.Messages)
        {
            await recorder.RetryOrPoisonAsync(run, message, statusCode, reason, retryAt, cancellationToken);
        }
    }

    // The new prospect's attributes: the defaults, then the update's fields (a mapped value wins), and its email.
    private List<KeyValuePair<string, FieldValue>> Attributes(CoalescedUpdate group, string email)
    {
        var attributes = new Dictionary<string, FieldValue>(mapping?.NewProspectDefaults ?? new Dictionary<string, FieldValue>(), StringComparer.Ordinal);
        foreach (var (name, field) in group.Fields)
        {
            attributes[name] = field.Change.Value;
        }

        attributes["emails"] = FieldValue.Parse("[" + FieldValue.FromString(email).Json + "]");
        return [.. attributes];
    }

    // Outreach's texts (docs/reference/outreach-prospect-creation.md §3): "Contacts email hash has already been taken."
    // on a create, "A Contact with this email_hash already exists." on a PATCH. Matched loosely: the wording is third-party.
    private static bool IsEmailTaken(OutreachCallOutcome.Permanent refused) =>
        refused.StatusCode == 422 && refused.Errors.Any(e =>
            (e.Detail ?? e.Title ?? "").Contains("email", StringComparison.OrdinalIgnoreCase)
            && ((e.Detail ?? "").Contains("taken", StringComparison.OrdinalIgnoreCase) || (e.Detail ?? "").Contains("already exists", StringComparison.OrdinalIgnoreCase)));

    // An excluded domain is named as such in the ledger and on the status page, Outreach's text kept as the detail.
    private static OutreachCallOutcome.Permanent WithReason(OutreachCallOutcome.Permanent refused) =>
        refused.Errors.FirstOrDefault(e => (e.Detail ?? "").Contains("excluded email", StringComparison.OrdinalIgnoreCase)) is { } excluded
            ? refused with { Errors = [excluded with { Id = ExcludedEmailDomain }] }
            : refused;

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Created prospect {ProspectId} with {Fields} fields from {Messages} messages")]
    private static partial void LogCreated(ILogger logger, long prospectId, int fields, int messages);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Delivery state storage failed while creating prospects; the creates not finished retry later")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}
