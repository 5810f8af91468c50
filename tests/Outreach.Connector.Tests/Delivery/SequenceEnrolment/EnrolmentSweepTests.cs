using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Ingest;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tests.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Faults;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Tests.Delivery.SequenceEnrolment;

/// <summary>
/// <c>Sequences__MaxEnrolmentDelay</c> and the sweep, with the real enrolment services on Azurite and the sequence client
/// over loopback HTTP to the sandbox: entries of several delivery batches share one action, a full action goes at once,
/// waiting entries go once their delay passed without new traffic, and entries held by the guard go in the next hour.
/// The connector's clock is the system clock shifted by the test (the sandbox processes batches on real time), so the
/// test moves time forward without waiting, and nothing asserts a duration.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EnrolmentSweepTests(AzuriteFixture azurite)
{
    private const string Scopes = "prospects.read prospects.write batches.read batches.write sequences.read mailboxes.read sequenceStates.read sequenceStates.write";
    private const int PerAction = 5;
    private readonly ShiftedClock _clock = new();

    [Fact]
    public async Task Entries_of_several_delivery_batches_wait_and_share_one_action_the_sweep_sends_once_the_delay_passed()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, ("Sequences:MaxEnrolmentDelay", "00:10:00"));

        // Three delivery batches of entries, each short of a full action: nothing is sent, nothing is held.
        var counts = new Dictionary<string, long>();
        foreach (var batch in new long[][] { [1, 2], [3], [4] })
        {
            Add(counts, await DeliverAsync(services, batch));
        }

        Assert.Equal(0, await ActionsAsync(clients));
        Assert.Equal(4, (await Store(services).PendingAsync(100, CancellationToken.None)).Count);
        Assert.Equal(4, counts[Names.Entered]);
        Assert.False(counts.ContainsKey(Names.Held));
        Assert.False(counts.ContainsKey(Names.Requests));

        // Within the delay the sweep sends nothing either; once the oldest entry has waited it, one action carries all four.
        _clock.Offset += TimeSpan.FromMinutes(9);
        Assert.Equal(0, (await Sweep(services).SweepAsync(CancellationToken.None)).Requests);
        Assert.Equal(0, await ActionsAsync(clients));

        _clock.Offset += TimeSpan.FromMinutes(1);
        var swept = await Sweep(services).SweepAsync(CancellationToken.None);

        Assert.Equal((EnrolmentSweepResult.Kinds.Swept, 4L), (swept.Kind, swept.Enrolled));
        Assert.Equal(1, await ActionsAsync(clients));
        Assert.Equal([1L, 2, 3, 4], (await clients.Sandbox.GetEnrolmentsAsync(sequenceId: 1)).Select(e => e.ProspectId).Order());
        Assert.Empty(await Store(services).PendingAsync(100, CancellationToken.None));
        Assert.Equal(EnrolmentSweepResult.Kinds.NothingWaits, (await Sweep(services).SweepAsync(CancellationToken.None)).Kind);

        // The sweep's counts go to the same hourly counters as a delivery batch's.
        var stored = await services.GetRequiredService<DeliveryCounters>().ReadLastHoursAsync(2, CancellationToken.None);
        Assert.Equal(4, stored.Sum(hour => hour[Names.Enrolled]));
        Assert.Equal(1, stored.Sum(hour => hour[Names.BulkActions]));
    }

    [Fact]
    public async Task A_full_action_goes_at_once_and_the_rest_waits_for_its_delay()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, ("Sequences:MaxEnrolmentDelay", "00:10:00"));

        await DeliverAsync(services, [11, 12, 13, 14, 15, 16, 17]);

        Assert.Equal(1, await ActionsAsync(clients));
        Assert.Equal(PerAction, (await clients.Sandbox.GetEnrolmentsAsync(sequenceId: 1)).Count);
        var left = Assert.Single((await Store(services).PendingAsync(100, CancellationToken.None)).GroupBy(e => e.Why));
        Assert.Equal((PendingReasons.New, 2), (left.Key, left.Count()));
    }

    [Fact]
    public async Task An_entry_older_than_the_delay_goes_with_the_next_delivery_batch_and_takes_the_new_entries_along()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, ("Sequences:MaxEnrolmentDelay", "00:01:00"));

        await DeliverAsync(services, [21]);
        Assert.Equal(0, await ActionsAsync(clients));

        _clock.Offset += TimeSpan.FromMinutes(2);
        await DeliverAsync(services, [22]);

        Assert.Equal(1, await ActionsAsync(clients));
        Assert.Equal([21L, 22], (await clients.Sandbox.GetEnrolmentsAsync(sequenceId: 1)).Select(e => e.ProspectId).Order());
    }

    [Fact]
    public async Task Entries_held_by_the_guard_go_in_the_next_hour_through_the_sweep_and_are_counted_held_once()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, ("Sequences:MaxEnrolmentDelay", "00:00:00"), ("Sequences:MaxEnrolmentsPerHour", "2"));
        var now = TimeProvider.System.GetUtcNow();
        _clock.Offset = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 30, 0, TimeSpan.Zero).AddHours(1) - now;

        var delivered = await DeliverAsync(services, [31, 32, 33, 34, 35]);
        Assert.Equal(2, (await clients.Sandbox.GetEnrolmentsAsync(sequenceId: 1)).Count);
        Assert.Equal(3, delivered[Names.Held]);

        // The same hour: the sweep finds them held and sends nothing, and does not count them again.
        var sameHour = await Sweep(services).SweepAsync(CancellationToken.None);
        Assert.Equal((0L, 0L, 0L), (sameHour.Requests, sameHour.Enrolled, sameHour.Held));

        // The next hour, with no new traffic: the sweep sends the hour's two places, and the third waits for the hour after.
        _clock.Offset += TimeSpan.FromHours(1);
        var nextHour = await Sweep(services).SweepAsync(CancellationToken.None);

        Assert.Equal((2L, 0L), (nextHour.Enrolled, nextHour.Held));
        Assert.Equal(4, (await clients.Sandbox.GetEnrolmentsAsync(sequenceId: 1)).Count);
        var held = Assert.Single(await Store(services).PendingAsync(100, CancellationToken.None));
        Assert.Equal(PendingReasons.Guard, held.Why);
    }

    [Fact]
    public async Task An_exit_outreach_fails_stays_owed_and_the_sweep_finishes_that_state_after_the_backoff()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, WithSequence(onExit: "finish"), ("Sequences:MaxEnrolmentDelay", "00:00:00"));
        await DeliverAsync(services, [41]);
        Assert.Equal(EnrolmentStates.Enrolled, (await Store(services).ReadAsync(41, 1, CancellationToken.None))?.State);

        // Outreach answers 503 to everything when the prospect leaves the audience: the exit cannot be done, and is owed.
        await clients.Sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1 });
        var exited = await DeliverAsync(services, [41], status: "exited", minute: 2);
        await clients.Sandbox.ClearFaultsAsync();

        Assert.Equal(1, exited[Names.ExitsOwed]);
        Assert.Equal(EnrolmentStates.Exited, (await Store(services).ReadAsync(41, 1, CancellationToken.None))?.State);
        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Sequences.StatesFinished);

        // Not before the backoff (BackoffBase 10 s: 5 to 10 s); then the sweep finishes that one state, and owes nothing more.
        Assert.Equal(EnrolmentSweepResult.Kinds.NothingWaits, (await Sweep(services).SweepAsync(CancellationToken.None)).Kind);
        _clock.Offset += TimeSpan.FromSeconds(11);
        var swept = await Sweep(services).SweepAsync(CancellationToken.None);

        Assert.Equal(EnrolmentSweepResult.Kinds.Swept, swept.Kind);
        Assert.Equal(1, (await clients.Sandbox.GetCountersAsync()).Sequences.StatesFinished);
        _clock.Offset += TimeSpan.FromHours(1);
        Assert.Equal(EnrolmentSweepResult.Kinds.NothingWaits, (await Sweep(services).SweepAsync(CancellationToken.None)).Kind);
        var stored = await services.GetRequiredService<DeliveryCounters>().ReadLastHoursAsync(3, CancellationToken.None);
        Assert.Equal(1, stored.Sum(hour => hour[Names.ExitFinished]));
    }

    [Fact]
    public async Task An_owed_exit_of_a_prospect_that_entered_again_is_dropped_without_touching_its_sequence()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, WithSequence(onExit: "finish"), ("Sequences:MaxEnrolmentDelay", "00:00:00"));
        await DeliverAsync(services, [42]);
        await clients.Sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1 });
        Assert.Equal(1, (await DeliverAsync(services, [42], status: "exited", minute: 2))[Names.ExitsOwed]);
        await clients.Sandbox.ClearFaultsAsync();

        // Back in the audience before the sweep: the exit is no longer wanted.
        await DeliverAsync(services, [42], minute: 3);
        _clock.Offset += TimeSpan.FromMinutes(1);
        await Sweep(services).SweepAsync(CancellationToken.None);

        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Sequences.StatesFinished);
        _clock.Offset += TimeSpan.FromHours(1);
        Assert.Equal(EnrolmentSweepResult.Kinds.NothingWaits, (await Sweep(services).SweepAsync(CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task Without_sequences_in_the_mapping_the_sweep_does_nothing()
    {
        await using var clients = await SandboxClients.StartAsync(scope: Scopes);
        await using var services = Build(clients, mapping: SampleFiles.Mapping());

        Assert.Same(EnrolmentSweepResult.NoSequences, await Sweep(services).SweepAsync(CancellationToken.None));
    }

    private ServiceProvider Build(SandboxClients clients, params (string Key, string Value)[] settings) => Build(clients, null, settings);

    private ServiceProvider Build(SandboxClients clients, DestinationMapping? mapping, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Delivery:TablePrefix"] = AzuriteFixture.UniqueName("sw"),
            ["Sequences:BatchPollInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(CompiledMapping.Compile(mapping ?? WithSequence()));
        services.AddSingleton(Mock.Of<IOutreachProspectClient>());
        services.AddSingleton(Mock.Of<IOutreachProspectCreator>());
        services.AddSingleton(Mock.Of<IOutreachProspectReader>());
        services.AddSingleton(Mock.Of<IOutreachBulkClient>());
        services.AddSingleton(Mock.Of<IOutreachImportClient>());
        services.AddSingleton<IOutreachSequenceClient>(new OutreachSequenceClient(
            clients.Sender(), Options.Create(new OutreachBulkOptions { MaxIdsPerBulkCall = PerAction }), NullLogger<OutreachSequenceClient>.Instance));
        services.AddSingleton(Mock.Of<IConnectionState>());
        services.AddDeliveryEngine(azurite.ConnectionString);
        return services.BuildServiceProvider();
    }

    // The sample mapping with sequence 1 (the sandbox's enabled email sequence), sent by mailbox 1, on its first audience.
    private static DestinationMapping WithSequence(string? onExit = null)
    {
        var mapping = SampleFiles.Mapping();
        mapping.Audiences[0].Sequence = new AudienceSequence { Id = "1", MailboxId = "1", OnExit = onExit };
        return mapping;
    }

    // One delivery batch whose prospects entered the first audience: enrolment's step, as the engine runs it.
    private async Task<Dictionary<string, long>> DeliverAsync(ServiceProvider services, long[] prospects, string status = "realized", int minute = 1)
    {
        var mapping = services.GetRequiredService<CompiledMapping>();
        var custom = OutreachProspectAttributes.CustomFieldName(mapping.Sequences[0].MappingId);
        var messages = prospects.Select(id => Message($"m{id}-{minute}", Update(id, minute, (custom, Change(status, minute))))).ToList();
        var now = _clock.GetUtcNow();
        var run = new BatchRun(messages, now, now.AddSeconds(30));
        var operation = services.GetServices<IDeliveryOperation>().OfType<SequenceEnrolmentOperation>().Single();
        await operation.DeliverAsync(run, Coalescer.Coalesce(messages, TimeSpan.FromMinutes(5)), CancellationToken.None);
        return run.Counts;
    }

    private static EnrolmentStore Store(ServiceProvider services) => services.GetRequiredService<EnrolmentStore>();

    private static EnrolmentSweep Sweep(ServiceProvider services) => services.GetRequiredService<EnrolmentSweep>();

    private static async Task<int> ActionsAsync(SandboxClients clients) =>
        (await clients.Sandbox.GetRequestsAsync()).Count(e => e.Method == "POST" && e.Path.Contains("prospectsAddToSequence", StringComparison.Ordinal));

    private static void Add(Dictionary<string, long> into, Dictionary<string, long> counts)
    {
        foreach (var (name, amount) in counts)
        {
            into[name] = into.GetValueOrDefault(name) + amount;
        }
    }

    /// <summary>The system clock shifted by <see cref="Offset"/>: time moves on as usual, and the test jumps it forward.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;
    }
}
