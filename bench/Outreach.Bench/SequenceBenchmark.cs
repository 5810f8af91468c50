using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// What enrolling prospects in a sequence costs and whether each entry enrols once: N prospects entering an audience
/// with a sequence over five exports, each entry sent twice (AEP's retry) and re-sent with the next export (AEP re-sends
/// whole profiles), plus a backfill of N/10 prospects whose status is <c>existing</c>.
/// </summary>
/// <remarks>
/// Baseline, measured in the same run: one <c>POST /sequenceStates</c> per prospect of the audience (as Hightouch's
/// "sequence states" sync does: insert only, one prospect per request, no way to tell the backfill from an entry). The
/// connector runs as two drainers with the guard raised to N (all enrol), and once more with the default guard (500 an
/// hour: the hour's excess held). Field writes are sent one PATCH per prospect here (<c>Delivery__BulkWrites=Off</c>),
/// so every <c>/batches</c> request is enrolment's; the requests counted are enrolment's (bulk actions, batch polls,
/// failed-item reads, readiness reads, sequence states). Enrolment runs with its defaults (<c>Sequences__MaxEnrolmentDelay</c>
/// 45 s, the sweep every 15 s, 100 ids per action) but for <c>Sequences__BatchPollInterval</c> (100 ms, as the sandbox
/// processes 200 items a second); after the last export the harness waits for the queue to be quiet and then for the
/// sweep to send what waited, so the time includes that last wait.
/// </remarks>
public static class SequenceBenchmark
{
    private const int Limit = 5000;
    private const int Exports = 5;
    private const string Audience = "aaaaaaaa-1111-4000-8000-000000000001";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs the baseline and the connector, prints the table and the summary line last.</summary>
    public static async Task RunAsync(TextWriter output, int prospects = 5000)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var backfill = prospects / 10;
        output.WriteLine($"Workload: {prospects} prospects entering an audience with a sequence over {Exports} exports, each entry sent twice and re-sent with the next export; " +
                         $"{backfill} prospects of the backfill (existing); Outreach limit {Limit} requests per {Window.TotalSeconds:0} s.");

        var naive = await MeasureAsync(azurite, prospects, backfill, connector: false, guard: prospects);
        var connector = await MeasureAsync(azurite, prospects, backfill, connector: true, guard: prospects);
        var guarded = await MeasureAsync(azurite, prospects, backfill, connector: true, guard: 500);

        var table = new ResultTable(
            "Sequence enrolment: Outreach requests per enrolment, double enrolments, backfill enrolled, held by the guard",
            "system", "requests per enrolment", "enrolment requests", "enrolled", "double enrolments", "existing enrolled", "held by the guard", "429s", "drained in s");
        foreach (var (name, m) in new[]
                 {
                     ("baseline: one POST /sequenceStates per prospect (as Hightouch)", naive),
                     ("connector, 2 drainers, guard raised to N, default delay (45 s)", connector),
                     ("connector, 2 drainers, default guard (500 an hour), default delay", guarded),
                 })
        {
            table.Add(name, $"{m.PerEnrolment:0.000}", m.Requests, m.Enrolled, m.Doubles, m.ExistingEnrolled, m.Held, m.RateLimited, $"{m.Seconds:0.0}");
            if (!ReferenceEquals(m, naive))
            {
                table.Add("  ratio to baseline", $"{m.PerEnrolment / naive.PerEnrolment:0.000}x", "-", "-", "-", "-", "-", "-", $"{m.Seconds / naive.Seconds:0.00}x");
            }
        }

        table.WriteTo(output);
        output.WriteLine("Held by the guard: entries waiting for the next hour in the enrolment store; their field writes were delivered.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sequences: {connector.PerEnrolment:0.000} Outreach requests per enrolment; double enrolments: {connector.Doubles}; existing enrolled: {connector.ExistingEnrolled}; 429s: {connector.RateLimited}"));
    }

    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, int prospects, int backfill, bool connector, int guard)
    {
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = Limit, Window = Window },
            Prospects = new ProspectOptions { SeedCount = prospects + backfill + 10 },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000_000,
        };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        var namePrefix = BenchConnector.NewNamePrefix();
        var tokenFolder = Directory.CreateTempSubdirectory("bench-tokens-").FullName;
        var drainers = new List<BenchConnector>();
        try
        {
            for (var i = 0; i < (connector ? 2 : 1); i++)
            {
                drainers.Add(await BenchConnector.StartAsync(azurite, sandbox, Settings(drain: connector, guard), namePrefix, tokenFolder, connect: false));
            }

            await drainers[0].ConnectAsync(sandbox);
            var started = DateTimeOffset.UtcNow;
            var sent = new HashSet<long>();
            for (var export = 0; export < Exports; export++)
            {
                foreach (var chunk in ExportProfiles(export, prospects, backfill).Chunk(10))
                {
                    await drainers[0].Ingest.PostAsync(new JsonArray([.. chunk]).ToJsonString());
                }

                if (connector)
                {
                    await QueueQuiet.WaitAsync(drainers[0].Queue, DrainTimeout);
                }
                else
                {
                    await NaiveEnroller.DrainAsync(drainers[0].Queue, drainers[0].GetRequiredService<OutreachApiSender>(), sent, DrainTimeout);
                }
            }

            if (connector)
            {
                // The queue is quiet, but entries short of a full action wait up to Sequences__MaxEnrolmentDelay for others:
                // the drainers' sweep sends them once it passed. Counted when only entries held by the guard wait.
                await EnrolmentsSettledAsync(drainers[0].GetRequiredService<EnrolmentStore>(), DrainTimeout);
            }

            var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
            var calls = (await sandbox.GetRequestsAsync()).Where(e => e.Path.StartsWith("/api/v2/", StringComparison.Ordinal)).ToList();
            var enrolments = await sandbox.GetEnrolmentsAsync(sequenceId: 1);
            var counters = (await sandbox.GetCountersAsync()).Sequences;
            var requests = calls.Count(IsEnrolmentRequest);
            var enrolled = enrolments.Count;
            return new Measurement(
                requests, enrolled, (int)counters.RepeatEnrolments, enrolments.Count(e => e.ProspectId > prospects),
                connector ? prospects - enrolments.Count(e => e.ProspectId <= prospects) : 0, calls.Count(e => e.StatusCode == 429), seconds);
        }
        finally
        {
            foreach (var drainer in drainers)
            {
                await drainer.DisposeAsync();
            }
        }
    }

    // Waits until nothing waits in the enrolment store but entries held by the guard (they wait for the next hour), and
    // no batch is left to read.
    private static async Task EnrolmentsSettledAsync(EnrolmentStore store, TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        while (true)
        {
            var pending = await store.PendingAsync(int.MaxValue, bounded.Token);
            if (pending.All(e => e.Why == PendingReasons.Guard) && (await store.BatchesAsync(bounded.Token)).Count == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), bounded.Token);
        }
    }

    private static bool IsEnrolmentRequest(Outreach.Sandbox.Admin.RequestLogEntry entry)
    {
        var path = Uri.UnescapeDataString(entry.Path);
        return path.Contains("/batches", StringComparison.Ordinal) || path.Contains("/sequenceStates", StringComparison.Ordinal)
            || path.Contains("/sequences", StringComparison.Ordinal) || path.Contains("/mailboxes", StringComparison.Ordinal);
    }

    // Export k: the entries of k (each twice: AEP's retry), the entries of k - 1 again (a whole profile re-sent), and in
    // the first two exports the backfill.
    private static IEnumerable<JsonObject> ExportProfiles(int export, int prospects, int backfill)
    {
        for (var id = 1; id <= prospects; id++)
        {
            var entersAt = id % Exports;
            if (entersAt == export)
            {
                yield return Profile(id, "realized", entersAt);
                yield return Profile(id, "realized", entersAt);
            }
            else if (entersAt == export - 1)
            {
                yield return Profile(id, "realized", entersAt);
            }
        }

        if (export < 2)
        {
            for (var id = prospects + 1; id <= prospects + backfill; id++)
            {
                yield return Profile(id, "existing", 0);
            }
        }
    }

    private static Dictionary<string, string?> Settings(bool drain, int guard) => new()
    {
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-sequence.json"),
        ["Outreach:Scopes"] = "prospects.read prospects.write batches.read batches.write sequences.read mailboxes.read sequenceStates.read sequenceStates.write",
        ["Delivery:RequestsPerWindow"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["Delivery:Window"] = "00:00:10",
        ["Delivery:SafetyMargin"] = "10",
        ["Delivery:BackoffBase"] = "00:00:00.200",
        ["Delivery:BackoffMax"] = "00:00:02",
        ["Delivery:BulkWrites"] = "Off",
        ["Drain:Enabled"] = drain ? "true" : "false",
        ["Sequences:MaxEnrolmentsPerHour"] = guard.ToString(CultureInfo.InvariantCulture),
        ["Sequences:BatchPollInterval"] = "00:00:00.100",
    };

    private static JsonObject Profile(long id, string status, int minute) => new()
    {
        ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = "P" + id.ToString(CultureInfo.InvariantCulture), ["lastName"] = "Prospect" } },
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject
            {
                [Audience] = new JsonObject
                {
                    ["status"] = status,
                    ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, minute, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            },
        },
        ["identityMap"] = new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture) }) },
    };

    private sealed record Measurement(int Requests, int Enrolled, int Doubles, int ExistingEnrolled, int Held, int RateLimited, double Seconds)
    {
        public double PerEnrolment => (double)Requests / Math.Max(1, Enrolled);
    }

    // The baseline: every prospect of the audience (it cannot tell the backfill from an entry) gets one POST /sequenceStates.
    private static class NaiveEnroller
    {
        private static readonly MediaTypeHeaderValue JsonApi = new("application/vnd.api+json");

        public static async Task DrainAsync(QueueClient queue, OutreachApiSender sender, HashSet<long> sent, TimeSpan timeout)
        {
            using var bounded = new CancellationTokenSource(timeout);
            while (true)
            {
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), bounded.Token)).Value;
                if (messages.Length == 0)
                {
                    return;
                }

                foreach (var message in messages)
                {
                    foreach (var update in UpdateBatchFormat.Deserialize(message.Body.ToMemory()).Select(queued => queued.Update))
                    {
                        if (update.Fields.ContainsKey("custom1") && sent.Add(update.ProspectId))
                        {
                            await sender.SendAsync("POST sequenceStates", () => Post(update.ProspectId), null, bounded.Token);
                        }
                    }

                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, bounded.Token);
                }
            }
        }

        private static HttpRequestMessage Post(long prospectId) => new(HttpMethod.Post, "sequenceStates")
        {
            Content = new StringContent(
                """{"data":{"type":"sequenceState","relationships":{"prospect":{"data":{"type":"prospect","id":"""
                + prospectId.ToString(CultureInfo.InvariantCulture)
                + """}},"sequence":{"data":{"type":"sequence","id":1}},"mailbox":{"data":{"type":"mailbox","id":1}}}}}""",
                Encoding.UTF8,
                JsonApi),
        };
    }
}
