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
/// The status report's runs section: the hourly counters and the failure ledger of the last hours, read once, as
/// AEP-style hourly runs, their totals, and the failures grouped by error code with what to do about each.
/// </summary>
/// <remarks>
/// Definitions (docs/monitoring.md): received, accepted, excluded and invalid count profiles at ingest; activated and
/// failed count updates (queue messages) when delivery decides them, so a run's numbers belong to the hour things
/// happened, as AEP's windows do. Activation rate = (activated + excluded) ÷ (activated + excluded + failed + invalid):
/// AEP's "share of identities activated or skipped", over the identities decided in the window (a backlog drained later
/// would otherwise push a rate over 100 %).
/// </remarks>
public sealed class HourlyRunsSection(
    DeliveryCounters counters,
    FailureLedger ledger,
    IOptions<MonitoringOptions> monitoringOptions,
    CompiledMapping? mapping = null)
{
    private const int MaxLedgerEntriesRead = 5000;
    private readonly MonitoringOptions _options = monitoringOptions.Value;

    /// <summary>
    /// Reads the <paramref name="hours"/> hours from <paramref name="firstHour"/>: each source within its budget, a source
    /// that fails leaves its part empty and named in <see cref="HourlyRuns.Errors"/>.
    /// </summary>
    internal async Task<HourlyRuns> ReadAsync(int hours, DateTimeOffset firstHour, CancellationToken cancellationToken)
    {
        var hourlyRead = DependencyRead.SectionAsync("The hourly counters table", token => counters.ReadLastHoursAsync(hours, token), cancellationToken);
        var ledgerRead = DependencyRead.SectionAsync("The failure ledger", async token =>
        {
            var read = new List<FailureLedgerEntry>();
            await foreach (var entry in ledger.QueryAsync(new FailureQuery(From: firstHour, MaxResults: MaxLedgerEntriesRead), token))
            {
                read.Add(entry);
            }

            return read;
        }, cancellationToken);
        await Task.WhenAll(hourlyRead, ledgerRead);

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, error) in new[] { ("runs", hourlyRead.Result.Error), ("failures", ledgerRead.Result.Error) })
        {
            if (error is not null)
            {
                errors[section] = error;
            }
        }

        var hourly = hourlyRead.Result.Value ?? [.. Enumerable.Range(0, hours).Select(i => new HourlyCounters(firstHour.AddHours(i), new Dictionary<string, long>()))];
        var entries = ledgerRead.Result.Value ?? [];
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
        return new HourlyRuns(totals, runs, sums, entries, errors);
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
}

/// <summary>What <see cref="HourlyRunsSection.ReadAsync"/> read: the runs, their totals, the counters summed over the
/// hours and the ledger entries (the audiences section reads both), and the sources that could not be read.</summary>
internal sealed record HourlyRuns(
    RunReport Totals,
    IReadOnlyList<RunReport> Runs,
    IReadOnlyDictionary<string, long> Sums,
    IReadOnlyList<FailureLedgerEntry> Failures,
    IReadOnlyDictionary<string, string> Errors);
