using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;

namespace OutreachFunctions.Probe;

/// <summary>
/// Confirms on the user's own Outreach org what docs/reference/outreach-api.md marks UNCONFIRMED (scopes, rate-limit
/// headers, <c>filter[id]</c> list length, multi-value email filter, bulk body shape, batch completion) and what
/// docs/reference/outreach-imports.md does (the <see cref="ImportTrial"/>), touching one test prospect only, and puts
/// that prospect's original value back.
/// </summary>
/// <remarks>
/// Writes go through the connector's own clients: the bulk client (a <see cref="BulkProspectIds"/> holding only the
/// test prospect, the id filter in the query, its last check before the send) and the PATCH client on that id. Reads
/// with longer id lists only read.
/// </remarks>
public sealed class OutreachProbe(
    OutreachApiSender sender,
    RateLimitHeaderRecorder recorder,
    ITokenStore tokenStore,
    IOutreachProspectClient patcher,
    IOptions<TokenOptions> tokenOptions,
    TimeProvider timeProvider)
{
    /// <summary>The list lengths tried for <c>filter[id]</c>, up to the most <c>Outreach__MaxIdsPerRead</c> allows.</summary>
    public static readonly IReadOnlyList<int> ListLengths = [1, 10, 25, 50, 100, 200, 500, 1000];

    /// <summary>How long one batch is followed before the probe gives up on it.</summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The pause between two <c>GET /batches/{id}</c> (and two <c>GET /imports/{id}</c>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one import of the upsert trial is followed before the prospect is read back anyway.</summary>
    public TimeSpan ImportTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Runs every step and returns the report; the prospect is restored even when a step fails.</summary>
    public async Task<ProbeReport> RunAsync(ProbeArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var report = new ProbeReport();
        report.Add($"probe-outreach: test prospect {arguments.ProspectId}, bulk trials write '{arguments.Field}' and restore it.");
        await ReportStoredScopesAsync(report, cancellationToken);

        var original = await ReadAsync(arguments.ProspectId, [arguments.Field, "emails"], cancellationToken);
        if (original is not OutreachCallOutcome.Succeeded<ProspectsRead> { Value.Prospects: [var prospect, ..] })
        {
            report.Add($"prospects.read: reading prospect {arguments.ProspectId} failed: {Describe(original)}. Nothing was written.");
            report.Stopped = true;
            report.Restored = true;
            return report;
        }

        report.Add("prospects.read: granted (the test prospect was read).");
        var originalValue = prospect.Attributes.TryGetValue(arguments.Field, out var value) ? FieldValue.FromElement(value) : FieldValue.Parse("null");
        ReportRateLimitHeaders(report);
        await ProbeListLengthAsync(report, arguments.ProspectId, cancellationToken);
        await ProbeEmailFilterAsync(report, prospect, cancellationToken);
        try
        {
            await ProbeBulkShapesAsync(report, arguments, cancellationToken);
            var imports = new ImportTrial(sender, recorder, timeProvider) { ImportTimeout = ImportTimeout, PollInterval = PollInterval };
            await imports.RunAsync(report, arguments, cancellationToken);
        }
        finally
        {
            await RestoreAsync(report, arguments, originalValue, CancellationToken.None);
        }

        return report;
    }

    private async Task ReportStoredScopesAsync(ProbeReport report, CancellationToken cancellationToken)
    {
        var stored = await tokenStore.GetAsync(tokenOptions.Value.ConnectionName, cancellationToken);
        report.Add(stored?.Tokens.Scope is { Length: > 0 } scope
            ? $"Scopes granted (token response, connection '{tokenOptions.Value.ConnectionName}'): {scope}"
            : $"Scopes granted: not stored for connection '{tokenOptions.Value.ConnectionName}'; the reads and writes below show them.");
    }

    private void ReportRateLimitHeaders(ProbeReport report)
    {
        var headers = recorder.Last;
        if (headers.Count == 0)
        {
            report.Add("Rate-limit headers: none seen.");
            return;
        }

        foreach (var (name, raw) in headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            var kind = name.EndsWith("Reset", StringComparison.OrdinalIgnoreCase) || name.Equals(RateLimitHeaders.RetryAfterHeader, StringComparison.OrdinalIgnoreCase)
                ? TimeUnit(raw)
                : raw.Contains(',', StringComparison.Ordinal) ? "comma-separated counts, the first is used" : "a count";
            report.Add($"Rate-limit header {name}: {raw} ({kind})");
        }
    }

    private async Task ProbeListLengthAsync(ProbeReport report, long prospectId, CancellationToken cancellationToken)
    {
        // The test prospect's id plus the ids above it (they need not exist; they are only read).
        var accepted = 0;
        int? refused = null;
        foreach (var length in ListLengths)
        {
            var ids = new List<long> { prospectId };
            for (var other = prospectId + 1; ids.Count < length; other++)
            {
                ids.Add(other);
            }

            var reader = Reader(new OutreachBulkOptions { MaxIdsPerRead = length });
            var outcome = await reader.ReadAsync(ids, ["emails"], null, cancellationToken);
            if (outcome is OutreachCallOutcome.Succeeded<ProspectsRead> { Value: { Requests: 1 } read } && read.Prospects.Any(p => p.Id == prospectId))
            {
                accepted = length;
                continue;
            }

            refused = length;
            break;
        }

        report.Add(refused is null
            ? $"filter[id]: every list tried was accepted, up to {accepted} ids in one GET."
            : $"filter[id]: {accepted} ids accepted in one GET; {refused} refused (or not answered in one request).");
        report.Recommend("Outreach__MaxIdsPerRead", Math.Max(1, accepted).ToString(CultureInfo.InvariantCulture));
    }

    private async Task ProbeEmailFilterAsync(ProbeReport report, ProspectValues prospect, CancellationToken cancellationToken)
    {
        if (prospect.Emails is not [var email, ..])
        {
            report.Add("Email filter: the test prospect has no email; not probed (Outreach__EmailFilterMultiValue stays false).");
            report.Recommend("Outreach__EmailFilterMultiValue", "false");
            return;
        }

        var masked = MaskedEmail.Mask(email);
        var single = await Lookup(multiValue: false).FindAsync([email], null, cancellationToken);
        var singleWorks = Finds(single, email, prospect.Id);
        report.Add($"Email filter, one email ({masked}): {(singleWorks ? "finds the test prospect" : "does NOT find the test prospect: " + Describe(single))}.");

        // A full list as delivery sends it (the default Outreach__MaxEmailsPerLookup), the others addresses no prospect
        // holds: a list form that is not understood matches nothing at all, or every address the same prospect.
        var listLength = new OutreachBulkOptions().MaxEmailsPerLookup;
        List<string> list = [email, .. Enumerable.Range(1, listLength - 1).Select(_ => string.Create(CultureInfo.InvariantCulture, $"probe-{Guid.NewGuid():N}@probe.invalid"))];
        var several = await Lookup(multiValue: true).FindAsync(list, null, cancellationToken);
        var multiWorks = singleWorks && Finds(several, email, prospect.Id) && list.Skip(1).All(absent => FindsNone(several, absent));
        report.Add(string.Create(CultureInfo.InvariantCulture,
            $"Email filter, {listLength} emails in one request (filter[emails][]): {(multiWorks ? "works (the test prospect found, no other address matched)" : "does not work")}."));
        report.Recommend("Outreach__EmailFilterMultiValue", multiWorks ? "true" : "false");
        if (multiWorks)
        {
            report.Recommend("Outreach__MaxEmailsPerLookup", listLength.ToString(CultureInfo.InvariantCulture));
        }
    }

    private async Task ProbeBulkShapesAsync(ProbeReport report, ProbeArguments arguments, CancellationToken cancellationToken)
    {
        var ids = new BulkProspectIds([arguments.ProspectId]);
        BulkBodyShape? working = null;
        var refusedEndpoint = false;
        foreach (var shape in Enum.GetValues<BulkBodyShape>())
        {
            var probeValue = FieldValue.FromString(string.Create(CultureInfo.InvariantCulture, $"probe-{shape}-{timeProvider.GetUtcNow():HHmmss}"));
            var remainingBefore = recorder.Last;
            var bulk = new OutreachBulkClient(
                sender, Options.Create(new OutreachBulkOptions { BulkBodyShape = shape, MaxIdsPerBulkCall = 1 }), NullLogger<OutreachBulkClient>.Instance);
            var started = await bulk.ModifyAsync(ids, [new(arguments.Field, probeValue)], null, cancellationToken);
            if (started is not OutreachCallOutcome.Succeeded<BatchStatus> { Value: var batch })
            {
                var missingScope = started is OutreachCallOutcome.Permanent { IsMissingScope: true };
                refusedEndpoint |= missingScope;
                report.Add($"Bulk body {shape}: refused: {Describe(started)}{(missingScope ? " (batches.write missing: re-connect with it)" : "")}.");
                if (missingScope)
                {
                    break;
                }

                continue;
            }

            var cost = Cost(remainingBefore, recorder.Last);
            var (finished, states) = await FollowAsync(bulk, batch, cancellationToken);
            var failures = await bulk.ReadFailuresAsync(batch.Id, null, cancellationToken);
            var now = await ReadAsync(arguments.ProspectId, [arguments.Field], cancellationToken);
            var applied = now is OutreachCallOutcome.Succeeded<ProspectsRead> { Value.Prospects: [var p, ..] }
                && p.Attributes.TryGetValue(arguments.Field, out var v) && FieldValue.FromElement(v) == probeValue;
            report.Add($"Bulk body {shape}: batch {batch.Id} {Completion(finished)}; states seen: {string.Join(" → ", states)}; " +
                $"failed items: {FailureCount(failures)}; value {(applied ? "applied" : "NOT applied")}; cost: {cost}.");
            if (applied && working is null)
            {
                working = shape;
            }
        }

        if (working is { } shapeToUse)
        {
            report.Recommend("Outreach__BulkBodyShape", shapeToUse.ToString());
            report.Recommend("Delivery__BulkWrites", "auto");
        }
        else
        {
            report.Add(refusedEndpoint
                ? "Bulk writes: the token lacks batches.write; the connector writes with PATCH until re-connected."
                : "Bulk writes: no body shape changed the test prospect; turn bulk writes off.");
            report.Recommend("Delivery__BulkWrites", "off");
        }
    }

    private async Task<(BatchStatus? Finished, List<string> States)> FollowAsync(OutreachBulkClient bulk, BatchStatus batch, CancellationToken cancellationToken)
    {
        var states = new List<string> { batch.State ?? "(no state)" };
        var deadline = timeProvider.GetUtcNow() + BatchTimeout;
        var current = batch;
        while (!current.IsFinished && timeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, timeProvider, cancellationToken);
            if (await bulk.GetBatchAsync(batch.Id, null, cancellationToken) is not OutreachCallOutcome.Succeeded<BatchStatus> read)
            {
                states.Add("(GET /batches failed: batches.read missing?)");
                return (null, states);
            }

            current = read.Value;
            if (current.State is { } state && states[^1] != state)
            {
                states.Add(state);
            }
        }

        return (current.IsFinished ? current : null, states);
    }

    private async Task RestoreAsync(ProbeReport report, ProbeArguments arguments, FieldValue original, CancellationToken cancellationToken)
    {
        var patch = await patcher.PatchProspectAsync(arguments.ProspectId, [new(arguments.Field, original)], cancellationToken);
        var after = await ReadAsync(arguments.ProspectId, [arguments.Field], cancellationToken);
        report.Restored = after is OutreachCallOutcome.Succeeded<ProspectsRead> { Value.Prospects: [var p, ..] }
            && (p.Attributes.TryGetValue(arguments.Field, out var v) ? FieldValue.FromElement(v) : FieldValue.Parse("null")) == original;
        var write = patch is OutreachCallOutcome.Succeeded ? "prospects.write: granted (the restore PATCH was applied)" : $"prospects.write: the restore PATCH failed ({patch.GetType().Name})";
        report.Add($"{write}; '{arguments.Field}' {(report.Restored ? "is back to its original value (read back and compared)" : "is NOT back to its original value: restore it by hand")}.");
    }

    private Task<OutreachCallOutcome> ReadAsync(long id, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        Reader(new OutreachBulkOptions { MaxIdsPerRead = 1 }).ReadAsync([id], fields, null, cancellationToken);

    private OutreachProspectReader Reader(OutreachBulkOptions bulkOptions) =>
        new(sender, Options.Create(bulkOptions), NullLogger<OutreachProspectReader>.Instance);

    private OutreachEmailLookup Lookup(bool multiValue) =>
        new(sender, Options.Create(new OutreachBulkOptions { EmailFilterMultiValue = multiValue }));

    private static bool Finds(OutreachCallOutcome outcome, string email, long prospectId) =>
        outcome is OutreachCallOutcome.Succeeded<EmailMatches> { Value: var found } && found.ProspectIds.TryGetValue(email, out var ids) && ids.Contains(prospectId);

    private static bool FindsNone(OutreachCallOutcome outcome, string email) =>
        outcome is OutreachCallOutcome.Succeeded<EmailMatches> { Value: var found } && (!found.ProspectIds.TryGetValue(email, out var ids) || ids.Count == 0);

    private static string Completion(BatchStatus? finished) => finished switch
    {
        null => "did not finish in time",
        { FinishedAt: not null } => string.Create(CultureInfo.InvariantCulture, $"finished (finishedAt set, pending {finished.Pending?.ToString(CultureInfo.InvariantCulture) ?? "absent"})"),
        _ => "finished (pending 0, no finishedAt)",
    };

    private static string FailureCount(OutreachCallOutcome outcome) => outcome switch
    {
        OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>> read => read.Value.Items.Count.ToString(CultureInfo.InvariantCulture),
        _ => $"unreadable ({outcome.GetType().Name})",
    };

    private static string Cost(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var from = RateLimitHeaders.ParseCount(before.GetValueOrDefault(RateLimitHeaders.RemainingHeader));
        var to = RateLimitHeaders.ParseCount(after.GetValueOrDefault(RateLimitHeaders.RemainingHeader));
        return from is { } f && to is { } t ? string.Create(CultureInfo.InvariantCulture, $"X-RateLimit-Remaining dropped by {f - t}") : "unknown (no X-RateLimit-Remaining)";
    }

    private static string TimeUnit(string raw)
    {
        var first = raw.Split(',')[0].Trim();
        if (long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number switch
            {
                >= 1_000_000_000_000L => "epoch milliseconds",
                >= 1_000_000_000L => "epoch seconds",
                _ => "seconds from now",
            };
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) ? "a date" : "unreadable";
    }

    private static string Describe(object? outcome) => outcome switch
    {
        OutreachCallOutcome.Succeeded<ProspectsRead> => "the prospect does not exist",
        OutreachCallOutcome.Succeeded<EmailMatches> => "no match",
        OutreachCallOutcome.NotSent n => n.Reason,
        OutreachCallOutcome.Permanent p => string.Create(CultureInfo.InvariantCulture, $"HTTP {p.StatusCode} {p.FirstError?.Id}").TrimEnd(),
        OutreachCallOutcome.RateLimited r => $"rate limited until {r.RetryAt:O}",
        OutreachCallOutcome.Transient t => t.Reason,
        OutreachCallOutcome.Unauthorized u => u.Reason,
        _ => "no answer",
    };
}
