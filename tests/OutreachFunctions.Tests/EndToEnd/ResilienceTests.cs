using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Faults;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>The pipeline under the conditions Outreach produces: shared budgets, 429 windows, 5xx, revoked tokens.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResilienceTests(AzuriteFixture azurite)
{
    private static async Task<List<FailureLedgerEntry>> LedgerAsync(StandaloneConnector connector)
    {
        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in connector.Services.GetRequiredService<FailureLedger>().QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    [Fact]
    public async Task Two_drainers_sharing_a_connection_never_exceed_the_limit_in_any_window()
    {
        const int limit = 60;
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox(limit));
        await using var first = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery(limit));
        await first.ConnectAsync(sandbox);
        await using var second = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery(limit), isolation: first.Isolation);
        var factory = new ProfileFactory();
        var random = new Random(3);

        // Four windows' worth of prospects: both drainers always have a backlog.
        await PostAsync(first, Enumerable.Range(1, 240).Select(id => factory.Profile(id, random, minute: 0)));

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(0, counters.ByStatus.GetValueOrDefault("429"));
        Assert.All(counters.RateLimitWindows, window => Assert.True(window.Requests <= limit, $"{window.Requests} requests in {window.Start:O}–{window.End:O}"));
        Assert.Empty(await LedgerAsync(first));
    }

    [Fact]
    public async Task Forced_429_window_pauses_and_resumes_with_nothing_lost_and_nothing_in_the_ledger()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery());
        await connector.ConnectAsync(sandbox);
        await sandbox.SetFaultsAsync(new FaultSettings { ForcedRateLimitSeconds = 3 });
        var factory = new ProfileFactory();
        var random = new Random(4);

        await PostAsync(connector, Enumerable.Range(1, 100).Select(id => factory.Profile(id, random, minute: 0)));

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.True(counters.ByStatus.GetValueOrDefault("429") > 0, "the forced window produced no 429: the test proved nothing");
        Assert.Empty(await LedgerAsync(connector));
    }

    [Fact]
    public async Task Ten_percent_server_errors_still_apply_every_update()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());

        // One request per prospect, so that a tenth of them failing is many failures: per-record bulk writes (a handful
        // of imports for 200 prospects) stay out, or the seeded faults may miss every request.
        var settings = new Dictionary<string, string?>(FastDelivery()) { ["Delivery:PerRecordBulk"] = "off" };
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, settings);
        await connector.ConnectAsync(sandbox);
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 0.1, ServerErrorStatusCode = 500, Seed = 10 });
        var factory = new ProfileFactory();
        var random = new Random(5);

        await PostAsync(connector, Enumerable.Range(1, 200).Select(id => factory.Profile(id, random, minute: 0)));

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.True(counters.ByFault.Values.Sum() > 0, "no fault was injected: the test proved nothing");
        Assert.Empty(await LedgerAsync(connector));
    }

    [Fact]
    public async Task Revoked_token_pauses_delivery_and_reauthorization_resumes_it_with_nothing_lost()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery());
        await connector.ConnectAsync(sandbox);
        await sandbox.RevokeUserAsync();
        var factory = new ProfileFactory();
        var random = new Random(6);

        await PostAsync(connector, Enumerable.Range(1, 50).Select(id => factory.Profile(id, random, minute: 0)));
        var pause = connector.Services.GetRequiredService<IConnectionState>();
        await Eventually.HoldsAsync(() => Task.FromResult(pause.IsPaused), () => Task.FromResult("delivery never paused"));
        Assert.Equal(0, (await sandbox.GetCountersAsync()).ProspectsPatched);

        await connector.ConnectAsync(sandbox);

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        Assert.Empty(await LedgerAsync(connector));
    }

    [Fact]
    public async Task Two_instances_stop_within_the_poll_interval_after_a_revocation_and_both_resume_after_reauthorization()
    {
        // A short poll interval, and a hold far longer than the test: resuming can only come from the shared state.
        var poll = TimeSpan.FromSeconds(1);
        var settings = new Dictionary<string, string?>(FastDelivery(limit: 120))
        {
            ["Tokens:ConnectionPollInterval"] = "00:00:01",
            ["Delivery:UnauthorizedHold"] = "00:30:00",

            // The test waits for PATCHes to flow before revoking: per-record bulk writes (imports) stay out.
            ["Delivery:PerRecordBulk"] = "off",
        };
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox(limit: 120));
        await using var first = await StandaloneConnector.StartAsync(azurite, sandbox, settings);
        await first.ConnectAsync(sandbox);
        await using var second = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);
        var factory = new ProfileFactory();
        var random = new Random(7);

        // Enough for several rate-limit windows, so both drainers are sending when the token is revoked.
        await PostAsync(first, Enumerable.Range(1, 300).Select(id => factory.Profile(id, random, minute: 0)));
        await Eventually.HoldsAsync(
            async () => (await sandbox.GetCountersAsync()).ProspectsPatched >= 20,
            async () => $"only {(await sandbox.GetCountersAsync()).ProspectsPatched} prospects patched");
        await sandbox.RevokeUserAsync();

        var states = new[] { first, second }.Select(c => c.Services.GetRequiredService<IConnectionState>()).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(states.All(s => s.IsPaused)), () => Task.FromResult("not every instance paused"));

        // The refused refresh marked the shared state; from then on no instance may send after one poll interval
        // (plus slack for a request already on its way and the store write after the token endpoint's answer).
        var log = await ReadRequestLogAsync(sandbox);
        var marked = log.First(e => e.Path.StartsWith("/oauth/token", StringComparison.Ordinal) && e.StatusCode == 400).Time;
        // Every Outreach API call counts: with bulk writes on (the default) the refused call may be a PATCH, a
        // collection GET, a bulk action or a batch poll, whichever an instance happened to send first.
        var apiCalls = log.Where(e => e.Path.StartsWith("/api/v2/", StringComparison.Ordinal)).ToList();
        Assert.Contains(apiCalls, e => e.StatusCode == 401);
        var late = apiCalls.Where(e => e.Time > marked + poll + TimeSpan.FromSeconds(2)).ToList();
        Assert.True(late.Count == 0, $"{late.Count} API calls after {marked:O} + the poll interval, the first {late.FirstOrDefault()?.Method} {late.FirstOrDefault()?.Path} at {late.FirstOrDefault()?.Time:O}");
        var lastSequence = log[^1].Sequence;

        await first.ConnectAsync(sandbox);

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        await Eventually.HoldsAsync(() => Task.FromResult(states.All(s => !s.IsPaused)), () => Task.FromResult("not every instance resumed"));
        Assert.Contains(await sandbox.GetRequestsAsync(lastSequence), e => e.Method == "PATCH" && e.StatusCode == 200);
        Assert.Empty(await LedgerAsync(first));
    }

    private static async Task<List<Outreach.Sandbox.Admin.RequestLogEntry>> ReadRequestLogAsync(SandboxServer sandbox)
    {
        var entries = new List<Outreach.Sandbox.Admin.RequestLogEntry>();
        while (true)
        {
            var page = await sandbox.GetRequestsAsync(entries.Count == 0 ? 0 : entries[^1].Sequence);
            if (page.Count == 0)
            {
                return entries;
            }

            entries.AddRange(page);
        }
    }
}
