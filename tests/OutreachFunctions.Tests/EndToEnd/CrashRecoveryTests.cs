using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>The connector process is killed (SIGKILL) several times while it drains, and restarted each time.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashRecoveryTests(AzuriteFixture azurite)
{
    private const string Secret = "crash-test-secret-0123456789-abcdefghij";

    [Fact]
    public async Task Killing_the_connector_mid_drain_loses_nothing_and_changes_no_result()
    {
        const int limit = 100;
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox(limit));
        var isolation = ConnectorIsolation.CreateNew();
        var port = LoopbackPort.GetFree();
        var settings = Settings(sandbox, isolation, port, limit);
        var factory = new ProfileFactory();
        var random = new Random(7);

        var connector = await ConnectorProcess.StartAsync(port, settings);
        try
        {
            await ConnectorAuthorization.ConnectAsync(connector.BaseAddress, Secret, sandbox);
            using var client = new HttpClient { BaseAddress = connector.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", Secret);

            // Two evaluations per prospect (the second newer), so a crash between them must not let the older win.
            var profiles = Enumerable.Range(1, 150).Select(id => factory.Profile(id, random, minute: 1))
                .Concat(Enumerable.Range(1, 150).Select(id => factory.Profile(id, random, minute: 2)))
                .ToList();
            await PostAsync(client, profiles);

            for (var kill = 0; kill < 4; kill++)
            {
                // Let it deliver part of the backlog, then kill it mid-work and start it again on the same state.
                var patchedBefore = (await sandbox.GetCountersAsync()).ProspectsPatched;
                await Eventually.HoldsAsync(
                    async () => (await sandbox.GetCountersAsync()).ProspectsPatched > patchedBefore + 20,
                    () => Task.FromResult("the connector delivered nothing between kills: " + connector.Output()));
                await connector.KillAsync();
                await connector.DisposeAsync();
                connector = await ConnectorProcess.StartAsync(port, settings);
            }

            await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        }
        finally
        {
            await connector.DisposeAsync();
        }
    }

    private Dictionary<string, string?> Settings(SandboxServer sandbox, ConnectorIsolation isolation, int port, int limit)
    {
        var settings = SandboxConnectorSettings.Create(
            azurite.ConnectionString, sandbox, SandboxConnectorSettings.LoopbackBase(port), Secret, isolation.TokenFolder, isolation.NamePrefix);
        foreach (var (key, value) in FastDelivery(limit))
        {
            settings[key] = value;
        }

        // Short enough that a killed batch reappears within the test: the drainer's lease on a message is its visibility.
        settings["Delivery:MaxBatchDuration"] = "00:00:02";

        // The kills land in a stream of PATCHes (the test waits for them): per-record bulk writes (imports) stay out.
        settings["Delivery:PerRecordBulk"] = "off";
        settings["Drain:VisibilityTimeout"] = "00:00:04";
        settings["Drain:IdlePollInterval"] = "00:00:00.100";

        // A killed drainer's prospect claims stay until their lease ends (that is how a dead drainer lets go): the
        // shortest allowed lease, so four kills leave the restarted connector waiting seconds rather than minutes.
        settings["Delivery:Claims:LeaseDuration"] = "00:00:15";
        settings["Delivery:Claims:ConflictDelay"] = "00:00:01";
        return settings;
    }
}
