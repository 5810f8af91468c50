using System.Globalization;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Mapping;
using Bulk = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Builds the status report from Table storage (hourly counters, failure ledger, delivery activity), so every instance
/// shows the same numbers: AEP-style hourly runs, failures grouped by error code, and the per-audience activation view.
/// </summary>
/// <remarks>
/// Definitions (docs/monitoring.md): received, accepted, excluded and invalid count profiles at ingest; activated and
/// failed count updates (queue messages) when delivery decides them, so a run's numbers belong to the hour things
/// happened, as AEP's windows do. Activation rate = (activated + excluded) ÷ (activated + excluded + failed + invalid):
/// AEP's "share of identities activated or skipped", over the identities decided in the window (a backlog drained later
/// would otherwise push a rate over 100 %).
/// </remarks>
public sealed class ConnectorStatusService(
    DeliveryCounters counters,
    FailureLedger ledger,
    DeliveryActivityStore activity,
    HealthEvaluator health,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<MonitoringOptions> monitoringOptions,
    TimeProvider time,
    CompiledMapping? mapping = null,
    IOptions<DryRunOptions>? dryRunOptions = null,
    IngestRefusals? refusals = null)
{
    private const int MaxLedgerEntriesRead = 5000;
    private readonly MonitoringOptions _options = monitoringOptions.Value;

    /// <summary>The report of the last <paramref name="hours"/> hours (1 to 168), the current hour included.</summary>
    public async Task<ConnectorStatus> GetStatusAsync(int hours, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, 168);
        var now = time.GetUtcNow();
        var currentHour = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var firstHour = currentHour.AddHours(-(hours - 1));

        // Each section is read on its own, within its budget: a source that fails or is slow leaves its section empty
        // and named in Errors, and the rest still shows (the page helps most exactly when something is broken).
        var hourlyRead = SectionAsync("runs", "The hourly counters table", token => counters.ReadLastHoursAsync(hours, token), cancellationToken);
        var ledgerRead = SectionAsync("failures", "The failure ledger", async token =>
        {
            var read = new List<FailureLedgerEntry>();
            await foreach (var entry in ledger.QueryAsync(new FailureQuery(From: firstHour, MaxResults: MaxLedgerEntriesRead), token))
            {
                read.Add(entry);
            }

            return read;
        }, cancellationToken);
        var activityRead = SectionAsync("delivery", "The delivery activity table", activity.ReadAsync, cancellationToken);
        var healthRead = health.EvaluateAsync(cancellationToken);
        await Task.WhenAll(hourlyRead, ledgerRead, activityRead, healthRead);

        var errors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, error) in new[] { hourlyRead.Result.Failure, ledgerRead.Result.Failure, activityRead.Result.Failure })
        {
            if (error is not null)
            {
                errors[section] = error;
            }
        }

        var hourly = hourlyRead.Result.Value ?? [.. Enumerable.Range(0, hours).Select(i => new HourlyCounters(firstHour.AddHours(i), new Dictionary<string, long>()))];
        var entries = ledgerRead.Result.Value ?? [];
        var delivery = activityRead.Result.Value ?? new DeliveryActivity(null, null, new Dictionary<string, DateTimeOffset>());
        var runs = hourly.Select((hour, i) => Run(
            hour.Hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture),
            hour.Hour,
            hour.Hour.AddHours(1),
            i == hourly.Count - 1 ? "processing" : "completed",
            hour.Values,
            entries.Where(e => e.LastFailedAt >= hour.Hour && e.LastFailedAt < hour.Hour.AddHours(1)))).ToList();
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var hour in hourly)
        {
            foreach (var (name, value) in hour.Values)
            {
                sums[name] = sums.GetValueOrDefault(name) + value;
            }
        }

        var totals = Run("total", hourly[0].Hour, hourly[^1].Hour.AddHours(1), "processing", sums, entries);
        return new ConnectorStatus(
            now,
            deliveryOptions.Value.ConnectionName,
            dryRunOptions?.Value.DryRun ?? false,
            await healthRead,
            new DeliveryState(delivery.LastBatchAt, delivery.QueueLag?.TotalSeconds),
            totals,
            runs,
            Audiences(sums, entries, delivery),
            refusals?.Snapshot())
        {
            Errors = errors.Count == 0 ? null : errors,
            Imports = PerRecordBulkReport.From(sums, delivery.PerRecordBulk),
        };
    }

    private async Task<(T? Value, (string Section, string? Error) Failure)> SectionAsync<T>(
        string section, string source, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await DependencyRead.WithinAsync(source, DependencyRead.SectionBudget, read, cancellationToken), (section, null));
        }
        catch (Exception ex) when (DependencyRead.IsFailure(ex))
        {
            return (null, (section, ex is TimeoutException ? ex.Message : $"{source} could not be read ({DependencyRead.Describe(ex)})."));
        }
    }

    private RunReport Run(string runId, DateTimeOffset start, DateTimeOffset end, string status, IReadOnlyDictionary<string, long> c, IEnumerable<FailureLedgerEntry> entries)
    {
        long Get(string name) => c.TryGetValue(name, out var value) ? value : 0;
        var activated = Get(Names.MessagesApplied) + Get(Names.UpToDate);
        var excluded = Get(Names.Excluded);
        var invalid = Get(Names.Invalid);
        var failed = Get(Names.MessagesFailed) + Get(Names.Poisoned);
        var decided = activated + excluded + failed + invalid;
        var excludedByReason = c
            .Where(pair => pair.Key.StartsWith(Names.ExcludedPrefix, StringComparison.Ordinal) && pair.Value != 0)
            .ToDictionary(pair => pair.Key[Names.ExcludedPrefix.Length..], pair => pair.Value, StringComparer.Ordinal);
        return new RunReport(
            runId, start, end, status,
            Get(Names.IngestReceived), Get(Names.IngestAccepted), activated, excluded, invalid, failed,
            decided == 0 ? null : Math.Round((double)(activated + excluded) / decided, 4),
            Get(Names.Applied) - Get(Names.Created), Get(Names.RequestsSent), Get(Names.RateLimited), Get(Names.Retried),
            Get(Names.Deferred) + Get(Names.Paused), Get(Names.Coalesced), Get(Names.Stale) + Get(Names.Duplicate),
            Get(Names.DryRunApplied), Get(Names.Replayed),
            excludedByReason,
            Failures(c, entries.ToList()))
        {
            Writes = Writes(c, activated),
            FutureEventTimes = Get(Names.FutureEventTimes),
            ProspectsCreated = Get(Names.Created),
        };
    }

    private static WriteEfficiency Writes(IReadOnlyDictionary<string, long> c, long activated)
    {
        long Get(string name) => c.TryGetValue(name, out var value) ? value : 0;
        var requests = Get(Names.RequestsSent) + Get(Names.CreatesSent) + Get(Bulk.Requests);
        return new WriteEfficiency(
            requests, Get(Bulk.BulkCalls), Get(Bulk.BulkApplied), Get(Bulk.BulkItemsFailed), Get(Bulk.ProspectsRead), Get(Bulk.SkippedUnchanged),
            requests == 0 ? null : Math.Round((double)activated / requests, 2));
    }

    private List<FailureGroup> Failures(IReadOnlyDictionary<string, long> c, List<FailureLedgerEntry> entries)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in c)
        {
            if (name.StartsWith(Names.FailedPrefix, StringComparison.Ordinal) && value != 0)
            {
                counts[name[Names.FailedPrefix.Length..]] = value;
            }
        }

        if (c.TryGetValue(Names.Poisoned, out var poisoned) && poisoned != 0)
        {
            counts[FailureLedger.PoisonErrorKey] = counts.GetValueOrDefault(FailureLedger.PoisonErrorKey) + poisoned;
        }

        return counts
            .Select(pair =>
            {
                // Counter names are the ledger's error keys with anything but letters and digits as '_'.
                var matching = entries.Where(e => Names.FailedWith(e.Key.Partition) == Names.FailedPrefix + pair.Key).ToList();
                var errorId = matching.Count > 0 ? matching[0].Key.Partition : pair.Key;
                var fields = matching
                    .Where(e => e.Field is not null)
                    .Select(e => DescribeField(e))
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var samples = matching
                    .OrderByDescending(e => e.LastFailedAt)
                    .Select(e => e.ProspectId)
                    .Distinct()
                    .Take(_options.SamplesPerError)
                    .ToList();
                var emails = matching
                    .Where(e => e.MaskedEmail is not null && e.EmailHash is not null)
                    .OrderByDescending(e => e.LastFailedAt)
                    .Select(e => new SampleEmail(e.MaskedEmail!, e.EmailHash!))
                    .Distinct()
                    .Take(_options.SamplesPerError)
                    .ToList();
                return new FailureGroup(errorId, pair.Value, Describe(errorId, matching), fields, samples) { SampleEmails = emails };
            })
            .OrderByDescending(group => group.Count)
            .ThenBy(group => group.ErrorId, StringComparer.Ordinal)
            .ToList();
    }

    private string DescribeField(FailureLedgerEntry entry)
    {
        if (entry.MappingId is not { } mappingId)
        {
            return entry.Field!;
        }

        var audience = entry.AudienceId is { } id && mapping?.TryGetAudience(id, out var mapped) == true ? mapped.DisplayName : entry.AudienceId;
        return string.Create(CultureInfo.InvariantCulture, $"{entry.Field} (audience '{audience ?? "unknown"}', mapping ID {mappingId})");
    }

    private static string Describe(string errorId, List<FailureLedgerEntry> entries)
    {
        var known = errorId switch
        {
            "resourceNotFound" or "http404" =>
                "The prospect does not exist in Outreach (deleted or merged, or AEP's OutreachId identity is wrong). Fix the identity in AEP; replaying will fail again until the prospect exists.",
            "validationError" or "http422" =>
                "Outreach refused a field. When it names a customN field, the audience's mapping ID points to a custom field that does not exist in Outreach or does not take the value: create the field (or correct the mapping ID), then replay these failures.",
            FailureLedger.PoisonErrorKey =>
                "Delivery gave up after Delivery:MaxAttempts transient failures (Outreach 5xx, timeouts, network). Check Outreach's status, then replay.",
            "http403" or "forbidden" =>
                "Outreach refused the request for this prospect: the connected user lacks permission (scopes or ownership). Reconnect with a user who may edit these prospects, then replay.",
            _ => null,
        };
        var outreach = entries.Select(e => e.ErrorTitle ?? e.ErrorDetail).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
        var status = entries.Select(e => e.StatusCode).FirstOrDefault(s => s is not null);
        var said = outreach is null ? null : string.Create(CultureInfo.InvariantCulture, $"Outreach: \"{outreach}\"{(status is { } s ? $" (HTTP {s})" : "")}.");
        return (known, said) switch
        {
            (not null, not null) => known + " " + said,
            (not null, null) => known,
            (null, not null) => said,
            _ => "Outreach rejected these updates for good; see the failure ledger entries for details.",
        };
    }

    private List<AudienceActivation> Audiences(IReadOnlyDictionary<string, long> c, List<FailureLedgerEntry> entries, DeliveryActivity delivery)
    {
        if (mapping is null)
        {
            return [];
        }

        var statusTexts = new (string Status, string Text)[]
        {
            ("realized", mapping.Realized.AsString() ?? mapping.Realized.Json),
            ("existing", mapping.Existing.AsString() ?? mapping.Existing.Json),
            ("exited", mapping.Exited.AsString() ?? mapping.Exited.Json),
        };
        return mapping.Audiences
            .OrderBy(a => a.MappingId)
            .Select(audience =>
            {
                var prefix = Names.AudienceWrittenPrefix(audience.AudienceId);
                var all = c.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(pair => pair.Value);
                var written = new Dictionary<string, long>(StringComparer.Ordinal);
                long named = 0;
                foreach (var (status, text) in statusTexts)
                {
                    // Two statuses may share one text (e.g. realized and existing both "Active"): count it once, under the first.
                    if (written.Count > 0 && statusTexts.TakeWhile(s => s.Status != status).Any(s => s.Text == text))
                    {
                        written[status] = 0;
                        continue;
                    }

                    var count = c.GetValueOrDefault(Names.AudienceWritten(audience.AudienceId, text));
                    written[status] = count;
                    named += count;
                }

                written["other"] = all - named;
                var failed = entries.Count(e => string.Equals(e.AudienceId, audience.AudienceId, StringComparison.OrdinalIgnoreCase));
                return new AudienceActivation(
                    audience.AudienceId,
                    audience.DisplayName,
                    audience.MappingId,
                    audience.FieldName,
                    written,
                    all,
                    failed,
                    delivery.AudienceLastWrittenAt.TryGetValue(audience.AudienceId, out var at) ? at : null);
            })
            .ToList();
    }
}
