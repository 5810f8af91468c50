using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// Resolves the emails of a delivery batch to Outreach prospect ids: from the cache when it knows them, else by
/// looking them up in Outreach with permits from the shared <see cref="RequestBudget"/> like any other request.
/// </summary>
/// <remarks>
/// <para>
/// Unknown emails are looked up as many at a time as the lookup client allows (one unless
/// <c>Outreach__EmailFilterMultiValue</c> is on; the multi-value form is UNCONFIRMED). Each answer is cached, "no prospect" included (for the shorter negative lifetime),
/// and the mapping's <see cref="DuplicateEmailRule"/> turns several prospects into one, all, or an exclusion.
/// </para>
/// <para>
/// When permits run out, Outreach answers 429, or the lookups have used half the batch's time, the emails left are
/// <see cref="EmailResolution.NotYet"/> so their messages wait without using an attempt. Logs carry counts and
/// hashes' prefixes at most, never an address.
/// </para>
/// </remarks>
public sealed partial class EmailResolver
{
    private const int MaxConcurrentCacheReads = 16;

    private readonly EmailProspectCache _cache;
    private readonly EmailHasher _hasher;
    private readonly IOutreachEmailLookup _lookup;
    private readonly RequestBudget _budget;
    private readonly DuplicateEmailRule _duplicates;
    private readonly DeliveryOptions _delivery;
    private readonly TimeProvider _time;
    private readonly ILogger<EmailResolver> _logger;

    /// <summary>Creates the resolver of the configured connection.</summary>
    public EmailResolver(
        EmailProspectCache cache,
        EmailHasher hasher,
        IOutreachEmailLookup lookup,
        RequestBudget budget,
        CompiledMapping mapping,
        IOptions<DeliveryOptions> delivery,
        TimeProvider time,
        ILogger<EmailResolver> logger)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(delivery);
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _hasher = hasher ?? throw new ArgumentNullException(nameof(hasher));
        _lookup = lookup ?? throw new ArgumentNullException(nameof(lookup));
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _duplicates = mapping.DuplicateEmails;
        _delivery = delivery.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The hash that stands for an email in the cache, the ledger and the status page.</summary>
    public string Hash(string normalizedEmail) => _hasher.Hash(normalizedEmail);

    /// <summary>
    /// Resolves each distinct email (already normalized). Storage failures throw <see cref="RequestFailedException"/>
    /// for the caller to retry the batch; Outreach's failures become <see cref="EmailResolution"/> values.
    /// </summary>
    public async Task<EmailResolutionBatch> ResolveAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var startedAt = _time.GetUtcNow();
        var results = new Dictionary<string, EmailResolution>(StringComparer.Ordinal);
        var distinct = emails.Distinct(StringComparer.Ordinal).ToList();
        var cached = await ReadCacheAsync(distinct, cancellationToken);
        var unknown = new List<string>();
        foreach (var email in distinct)
        {
            if (cached.TryGetValue(email, out var match))
            {
                results[email] = Apply(match.ProspectIds);
            }
            else
            {
                unknown.Add(email);
            }
        }

        var (lookups, lateHits) = await LookUpAsync(unknown, results, startedAt, cancellationToken);
        LogResolved(_logger, distinct.Count, distinct.Count - unknown.Count + lateHits, lookups);
        return new EmailResolutionBatch(results, cached.Count + lateHits, lookups);
    }

    /// <summary>Caches <paramref name="prospectId"/> as the one prospect holding the email (a prospect just created or found after a conflict).</summary>
    public Task RememberAsync(string normalizedEmail, long prospectId, CancellationToken cancellationToken) =>
        _cache.StoreAsync(_hasher.Hash(normalizedEmail), [prospectId], cancellationToken);

    /// <summary>
    /// What the cache holds for the email now (null: nothing, or expired), read again by the create operation: another
    /// drainer may have created the prospect since this batch resolved the email.
    /// </summary>
    public Task<CachedEmailMatch?> CachedAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        _cache.ReadAsync(_hasher.Hash(normalizedEmail), cancellationToken);

    /// <summary>How many emails one look-up request carries (1 unless <c>Outreach__EmailFilterMultiValue</c> is on).</summary>
    public int EmailsPerLookup => Math.Max(1, _lookup.MaxEmailsPerRequest);

    /// <summary>
    /// Looks the emails up in Outreach now, as many in one request as the look-up takes, whatever the cache holds, and
    /// caches the answers.
    /// </summary>
    public async Task<EmailResolutionBatch> LookUpNowAsync(IReadOnlyCollection<string> normalizedEmails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(normalizedEmails);
        foreach (var email in normalizedEmails)
        {
            await InvalidateAsync(email, cancellationToken);
        }

        return await ResolveAsync(normalizedEmails, cancellationToken);
    }

    /// <summary>Looks the email up in Outreach now, whatever the cache holds, and caches the answer.</summary>
    public async Task<EmailResolution> LookUpNowAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await InvalidateAsync(normalizedEmail, cancellationToken);
        return (await ResolveAsync([normalizedEmail], cancellationToken)).Resolutions[normalizedEmail];
    }

    /// <summary>Forgets an email after its prospect answered 404, so the next resolution asks Outreach again.</summary>
    public Task InvalidateAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        _cache.InvalidateAsync(_hasher.Hash(normalizedEmail), cancellationToken);

    private async Task<Dictionary<string, CachedEmailMatch>> ReadCacheAsync(List<string> emails, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, CachedEmailMatch>(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(MaxConcurrentCacheReads);
        var reads = emails.Select(async email =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (email, match: await _cache.ReadAsync(_hasher.Hash(email), cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var (email, match) in await Task.WhenAll(reads))
        {
            if (match is not null)
            {
                found[email] = match;
            }
        }

        return found;
    }

    // Looks up the unknown emails in chunks, one permit per request; returns the requests sent and the emails the cache
    // answered when read again before their chunk.
    private async Task<(int Lookups, int LateHits)> LookUpAsync(
        List<string> unknown, Dictionary<string, EmailResolution> results, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var chunks = unknown.Chunk(Math.Max(1, _lookup.MaxEmailsPerRequest)).ToList();
        var permits = new PermitLease(_budget, _delivery, _time, LookupDeadline(startedAt));
        var lateHits = 0;
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                permits.StillNeeded = chunks.Count - i;
                if (i > 0)
                {
                    // The batch's look-ups take a while, one after another: meanwhile another drainer may have looked up
                    // (or created the prospect of) an email of this chunk. A table read costs far less than a request.
                    var late = await ReadCacheAsync([.. chunks[i]], cancellationToken);
                    foreach (var (email, match) in late)
                    {
                        results[email] = Apply(match.ProspectIds);
                    }

                    lateHits += late.Count;
                    chunks[i] = [.. chunks[i].Where(email => !late.ContainsKey(email))];
                    if (chunks[i].Length == 0)
                    {
                        continue;
                    }
                }

                OutreachCallOutcome outcome;

                // Taken before the permit and the request: the answer is cached as "asked" no later than it was.
                var askedAt = _time.GetUtcNow();
                try
                {
                    outcome = await _lookup.FindAsync(chunks[i], permits.TakeAsync, cancellationToken);
                }
                catch (PermitUnavailableException ex)
                {
                    MarkRest(chunks, i, results, new EmailResolution.NotYet(ResolutionWait.Defer, ex.NextPermitAt, ex.Message));
                    break;
                }

                var rest = await RecordAsync(chunks[i], outcome, askedAt, results, cancellationToken);
                if (rest is not null)
                {
                    MarkRest(chunks, i + 1, results, rest);
                    break;
                }
            }
        }
        finally
        {
            await permits.ReturnUnusedAsync();
        }

        return (permits.Taken, lateHits);
    }

    // Records one answer; returns the resolution for the chunks not yet looked up when sending must stop.
    private async Task<EmailResolution.NotYet?> RecordAsync(
        string[] chunk, OutreachCallOutcome outcome, DateTimeOffset askedAt, Dictionary<string, EmailResolution> results, CancellationToken cancellationToken)
    {
        if (outcome is OutreachCallOutcome.Succeeded<EmailMatches> { Value: var found })
        {
            foreach (var email in chunk)
            {
                var ids = found.ProspectIds.TryGetValue(email, out var list) ? list : [];
                var stored = await _cache.StoreAsync(_hasher.Hash(email), [.. ids], askedAt, cancellationToken);
                results[email] = Apply(stored.ProspectIds);
            }

            return null;
        }

        var failure = outcome;
        switch (failure)
        {
            case OutreachCallOutcome.RateLimited limited:
            {
                var until = await _budget.BlockAsync(limited.RetryAt, cancellationToken);
                var notYet = new EmailResolution.NotYet(ResolutionWait.Defer, until, "Outreach answered 429 to an email lookup.");
                Mark(chunk, results, notYet);
                return notYet;
            }

            case OutreachCallOutcome.Transient transient:
            {
                var notYet = new EmailResolution.NotYet(ResolutionWait.Retry, transient.RetryAt, $"Email lookup failed: {transient.Reason}");
                Mark(chunk, results, notYet);
                return notYet;
            }

            case OutreachCallOutcome.Permanent permanent:
                LogLookupRefused(_logger, permanent.StatusCode, permanent.FirstError?.Id ?? "", chunk.Length);
                Mark(chunk, results, new EmailResolution.Rejected(permanent.StatusCode, permanent.FirstError));
                return null;

            case OutreachCallOutcome.Unauthorized unauthorized:
            {
                var notYet = new EmailResolution.NotYet(ResolutionWait.Pause, _time.GetUtcNow() + _delivery.UnauthorizedHold, unauthorized.Reason);
                Mark(chunk, results, notYet);
                return notYet;
            }

            default:
                throw new InvalidOperationException($"Unexpected lookup failure {failure.GetType().Name}.");
        }
    }

    private EmailResolution Apply(IReadOnlyList<long> ids) => ids.Count switch
    {
        0 => new EmailResolution.NoProspect(),
        1 => new EmailResolution.Resolved(ids),
        _ => _duplicates switch
        {
            DuplicateEmailRule.All => new EmailResolution.Resolved(ids),
            DuplicateEmailRule.LowestId => new EmailResolution.Resolved([ids.Min()]),
            _ => new EmailResolution.Ambiguous(ids),
        },
    };

    // Lookups may use half of the batch's time; the PATCHes that follow need the rest.
    private DateTimeOffset LookupDeadline(DateTimeOffset startedAt) => startedAt + (_delivery.MaxBatchDuration / 2);

    private static void MarkRest(List<string[]> chunks, int from, Dictionary<string, EmailResolution> results, EmailResolution resolution)
    {
        for (var i = from; i < chunks.Count; i++)
        {
            Mark(chunks[i], results, resolution);
        }
    }

    private static void Mark(string[] chunk, Dictionary<string, EmailResolution> results, EmailResolution resolution)
    {
        foreach (var email in chunk)
        {
            results[email] = resolution;
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Debug, Message = "Resolved {Emails} emails: {FromCache} from the cache, {Lookups} lookups sent to Outreach")]
    private static partial void LogResolved(ILogger logger, int emails, int fromCache, int lookups);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Outreach refused an email lookup of {Emails} emails: HTTP {StatusCode} {ErrorId}")]
    private static partial void LogLookupRefused(ILogger logger, int statusCode, string errorId, int emails);
}
