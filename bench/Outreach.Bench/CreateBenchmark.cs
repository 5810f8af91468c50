using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// What creating prospects costs and whether it stays exactly once: N emails no prospect holds, each exported once and
/// re-sent by AEP (a second copy), shuffled, drained while a fifth of Outreach's create answers are lost after the
/// create was applied and the org allows duplicate emails (so only the client can keep one prospect per email).
/// </summary>
/// <remarks>
/// Baseline, measured in the same run: the naive "look up, create if missing" client most integrations are (one
/// look-up and one create per profile, a create retried when its answer is lost). The connector runs as three drainers
/// on one queue, once with one email per look-up (the default) and once with the settings <c>probe-outreach</c> prints
/// against a sandbox whose email filter takes lists (<c>Outreach__EmailFilterMultiValue=true</c>,
/// <c>Outreach__MaxEmailsPerLookup=20</c>: the probe looks up 20 emails in one request and confirms the answer, as
/// ProbeCommandTests checks). The summary line is that configuration's: it is what a user runs once the probe confirms
/// the filter on their org; the default row stays in the table, and the default stays one email per look-up because the
/// list form is UNCONFIRMED on real orgs until probed. The connector's budget equals the sandbox's limit, so a 429
/// would show a pacing fault.
/// </remarks>
public static class CreateBenchmark
{
    private const int Limit = 3000;
    private const int EmailsPerMultiLookup = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs the baseline and the connector's two variants, prints the table and the summary line last.</summary>
    public static async Task RunAsync(TextWriter output, int emails = 1000)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        output.WriteLine($"Workload: {emails} new emails, each exported once and re-sent once by AEP, shuffled; 20 % of create answers lost after the create was applied; " +
                         $"duplicate emails allowed by the org; Outreach limit {Limit} requests per {Window.TotalSeconds:0} s.");

        var naive = await MeasureAsync(azurite, emails, drainers: 0, multiValue: false);
        var single = await MeasureAsync(azurite, emails, drainers: 3, multiValue: false);
        var multi = await MeasureAsync(azurite, emails, drainers: 3, multiValue: true);

        var table = new ResultTable(
            "Creating prospects: Outreach requests per created prospect, duplicates and 429s",
            "system", "requests per created prospect", "look-ups", "creates", "other requests", "duplicates", "emails without a prospect", "429s", "drained in s");
        foreach (var (name, m) in new[]
                 {
                     ("baseline: look up, create if missing (naive)", naive),
                     ("connector, 3 drainers, 1 email per look-up (default)", single),
                     ($"connector, 3 drainers, {EmailsPerMultiLookup} emails per look-up (as probe-outreach confirms)", multi),
                 })
        {
            table.Add(name, m.PerCreated(emails), m.Lookups, m.Creates, m.Other, m.Duplicates, m.Missing, m.RateLimited, m.Seconds);
            if (!ReferenceEquals(m, naive))
            {
                table.Add("  ratio to baseline", $"{m.PerCreated(emails) / naive.PerCreated(emails):0.00}x", "-", "-", "-", "-", "-", "-", $"{m.Seconds / naive.Seconds:0.00}x");
            }
        }

        table.WriteTo(output);
        output.WriteLine("Requests count every Outreach API call (look-ups, creates, reads, PATCHes). Other requests: reads and PATCHes after a lost answer.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Summary: the {EmailsPerMultiLookup}-emails row, the settings probe-outreach prints when the multi-value email filter works " +
            $"(Outreach__EmailFilterMultiValue=true, Outreach__MaxEmailsPerLookup={EmailsPerMultiLookup}); the default (1 email per look-up) costs {single.PerCreated(emails):F2}."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"create: {multi.PerCreated(emails):F2} Outreach requests per created prospect; duplicates: {Faults(single, multi, m => m.Duplicates + m.Missing)}; 429s: {Faults(single, multi, m => m.RateLimited)}"));
    }

    // Duplicates (and emails left without a prospect) and 429s of both connector rows: neither configuration may have any.
    private static int Faults(Measurement single, Measurement multi, Func<Measurement, int> count) => count(single) + count(multi);

    // drainers 0 = the naive baseline drains the queue the connector fills.
    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, int emails, int drainers, bool multiValue)
    {
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = Limit, Window = Window },
            Prospects = new ProspectOptions { SeedCount = 1000, EmailFilterMultiValue = multiValue },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000_000,
        };
        sandboxOptions.ProspectCreation.PurposefulDuplicates = true;
        sandboxOptions.ProspectCreation.DroppedAnswerRate = 0.2;
        sandboxOptions.ProspectCreation.DroppedAnswerSeed = 7;
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);

        // The naive baseline makes duplicates by design: that is what it measures.
        sandbox.ExpectsDuplicateProspects = drainers == 0;
        var namePrefix = BenchConnector.NewNamePrefix();
        var tokenFolder = Directory.CreateTempSubdirectory("bench-tokens-").FullName;
        var connectors = new List<BenchConnector>();
        try
        {
            for (var i = 0; i < Math.Max(1, drainers); i++)
            {
                connectors.Add(await BenchConnector.StartAsync(azurite, sandbox, Settings(multiValue, drain: drainers > 0), namePrefix, tokenFolder, connect: false));
            }

            await connectors[0].ConnectAsync(sandbox);
            var started = DateTimeOffset.UtcNow;
            var random = new Random(11);
            var profiles = Enumerable.Range(1, emails).SelectMany(n => new[] { Profile(n), Profile(n) }).OrderBy(_ => random.Next()).ToList();
            foreach (var chunk in profiles.Chunk(10))
            {
                await connectors[0].Ingest.PostAsync(new JsonArray([.. chunk]).ToJsonString());
            }

            if (drainers == 0)
            {
                await NaiveCreator.DrainAsync(
                    connectors[0].Queue, connectors[0].GetRequiredService<IOutreachEmailLookup>(), connectors[0].GetRequiredService<IOutreachProspectCreator>(), DrainTimeout);
            }
            else
            {
                await QueueQuiet.WaitAsync(connectors[0].Queue, DrainTimeout);
            }

            var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
            var calls = (await sandbox.GetRequestsAsync()).Where(e => e.Path.StartsWith("/api/v2/", StringComparison.Ordinal)).ToList();
            var creations = (await sandbox.GetProspectCreationsAsync()).Where(c => c.Email.StartsWith("new", StringComparison.Ordinal)).ToList();
            var lookups = calls.Count(IsLookup);
            var creates = calls.Count(e => e.Method == "POST" && e.Path.TrimEnd('/').EndsWith("/prospects", StringComparison.Ordinal));
            return new Measurement(
                calls.Count, lookups, creates, calls.Count - lookups - creates,
                creations.Sum(c => Math.Max(0, c.Created - 1)), emails - creations.Count, calls.Count(e => e.StatusCode == 429), seconds);
        }
        finally
        {
            foreach (var connector in connectors)
            {
                await connector.DisposeAsync();
            }
        }
    }

    private static bool IsLookup(RequestLogEntry entry) =>
        entry.Method == "GET" && Uri.UnescapeDataString(entry.Path).Contains("filter[emails]", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string?> Settings(bool multiValue, bool drain) => new()
    {
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-email-create.json"),
        ["Delivery:RequestsPerWindow"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["Delivery:Window"] = "00:00:10",
        ["Delivery:SafetyMargin"] = "10",
        ["Delivery:BackoffBase"] = "00:00:00.200",
        ["Delivery:BackoffMax"] = "00:00:02",
        ["Delivery:Claims:ConflictDelay"] = "00:00:00.200",
        ["Drain:Enabled"] = drain ? "true" : "false",
        ["Outreach:EmailFilterMultiValue"] = multiValue ? "true" : "false",
        ["Outreach:MaxEmailsPerLookup"] = multiValue ? EmailsPerMultiLookup.ToString(CultureInfo.InvariantCulture) : "1",
    };

    private static JsonObject Profile(int n) => new()
    {
        ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = "New" + n.ToString(CultureInfo.InvariantCulture), ["lastName"] = "Prospect" } },
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject
            {
                ["aaaaaaaa-1111-4000-8000-000000000001"] = new JsonObject { ["status"] = "realized", ["lastQualificationTime"] = "2025-03-01T00:00:00Z" },
            },
        },
        ["identityMap"] = new JsonObject { ["Email"] = new JsonArray(new JsonObject { ["id"] = string.Create(CultureInfo.InvariantCulture, $"new{n}@example.test") }) },
    };

    private sealed record Measurement(int Requests, int Lookups, int Creates, int Other, int Duplicates, int Missing, int RateLimited, double Seconds)
    {
        public double PerCreated(int emails) => (double)Requests / Math.Max(1, emails - Missing);
    }

    // The naive client: per update, one look-up and, when no prospect holds the email, one create, retried on a lost answer.
    private static class NaiveCreator
    {
        public static async Task DrainAsync(QueueClient queue, IOutreachEmailLookup lookup, IOutreachProspectCreator creator, TimeSpan timeout)
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
                        await UpsertAsync(update, lookup, creator, bounded.Token);
                    }

                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, bounded.Token);
                }
            }
        }

        private static async Task UpsertAsync(ProspectUpdate update, IOutreachEmailLookup lookup, IOutreachProspectCreator creator, CancellationToken cancellationToken)
        {
            var found = await lookup.FindAsync([update.Email!], null, cancellationToken);
            if (found is OutreachCallOutcome.Succeeded<EmailMatches> { Value: var matches } && matches.ProspectIds[update.Email!].Count > 0)
            {
                return;
            }

            var attributes = update.Fields.Select(f => KeyValuePair.Create(f.Key, f.Value.Value))
                .Append(KeyValuePair.Create("emails", FieldValue.Parse("[" + FieldValue.FromString(update.Email!).Json + "]")))
                .ToList();
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (await creator.CreateProspectAsync(attributes, null, cancellationToken) is not OutreachCallOutcome.Transient)
                {
                    return;
                }
            }
        }
    }
}
