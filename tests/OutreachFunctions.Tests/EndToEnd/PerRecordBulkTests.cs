using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Outreach.Connector.Monitoring;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// Per-record bulk writes (Outreach imports) end to end: the standalone connector with its default <c>auto</c> mode and
/// default scopes, against the sandbox's real <c>bulkUpsert</c> over loopback. The sandbox's dispose check fails a test
/// in which an import created a prospect.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PerRecordBulkTests(AzuriteFixture azurite)
{
    // Imports processed quickly, and followed quickly; everything else as the other end-to-end tests run.
    private static Outreach.Sandbox.Configuration.SandboxOptions ImportSandbox(bool applyNothing = false)
    {
        var options = FastSandbox();
        options.Imports.ProcessingDelay = TimeSpan.FromMilliseconds(100);
        options.Imports.ProcessingDuration = TimeSpan.FromMilliseconds(100);
        options.Imports.ApplyNothing = applyNothing;
        return options;
    }

    private static Dictionary<string, string?> ImportDelivery() => new(FastDelivery())
    {
        ["Delivery:ImportFirstPoll"] = "00:00:00.300",
        ["Delivery:ImportPollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Auto_mode_confirms_a_trial_import_then_writes_prospects_with_different_values_in_imports_and_creates_none()
    {
        await using var sandbox = await SandboxServer.StartAsync(ImportSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, ImportDelivery());
        await connector.ConnectAsync(sandbox);
        var factory = new ProfileFactory();
        var random = new Random(20);

        // Two waves: the first batch carries the trial, the later ones use imports once it is confirmed.
        await PostAsync(connector, Enumerable.Range(1, 30).Select(id => factory.Profile(id, random, minute: 0)));
        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        await PostAsync(connector, Enumerable.Range(31, 200).Select(id => factory.Profile(id, random, minute: 0)));
        await AssertSandboxHoldsAsync(sandbox, factory.Expected);

        var counters = await sandbox.GetCountersAsync();
        Assert.True(counters.Imports.Calls >= 2, $"{counters.Imports.Calls} imports");
        Assert.True(counters.Imports.RecordsApplied >= 100, $"{counters.Imports.RecordsApplied} records applied by imports");
        Assert.Equal(0, counters.Imports.ProspectsCreated);
        Assert.Equal(0, counters.ByStatus.GetValueOrDefault("429"));
        var state = await connector.Services.GetRequiredService<PerRecordBulkStateStore>().ReadAsync(CancellationToken.None);
        Assert.Equal(PerRecordBulkPhase.Confirmed, state!.Phase);
    }

    [Fact]
    public async Task Imports_that_apply_nothing_are_noticed_by_read_back_fall_back_to_patch_and_turn_auto_off_which_health_reports()
    {
        await using var sandbox = await SandboxServer.StartAsync(ImportSandbox(applyNothing: true));
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, ImportDelivery());
        await connector.ConnectAsync(sandbox);
        var factory = new ProfileFactory();
        var random = new Random(21);

        // One wave per batch, each delivered before the next, so each batch tries (and fails) its own trial import.
        for (var wave = 0; wave < 5; wave++)
        {
            await PostAsync(connector, Enumerable.Range(1 + (wave * 20), 20).Select(id => factory.Profile(id, random, minute: 0)));
            await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        }

        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(3, counters.Imports.Calls);
        Assert.Equal(0, counters.Imports.RecordsApplied);
        Assert.Equal(0, counters.Imports.ProspectsCreated);
        var state = await connector.Services.GetRequiredService<PerRecordBulkStateStore>().ReadAsync(CancellationToken.None);
        Assert.Equal(PerRecordBulkPhase.Off, state!.Phase);
        var health = await connector.Services.GetRequiredService<HealthEvaluator>().EvaluateAsync(CancellationToken.None);
        var reason = Assert.Single(health.Reasons, r => r.Code == PerRecordBulkReport.OffCode);
        Assert.Contains("3 imports in a row were not confirmed", reason.Message, StringComparison.Ordinal);
    }
}
