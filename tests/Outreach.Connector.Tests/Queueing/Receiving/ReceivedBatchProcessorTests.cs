using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Tests.Delivery;
using Outreach.Connector.Tests.EmailMatching;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Queueing.Receiving;

// The receive side every transport shares: decode, deliver, and the settlement each disposition becomes.
[Collection(AzuriteCollection.Name)]
public sealed class ReceivedBatchProcessorTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly ProspectUpdate Update = TestUpdates.Update(9, 1, ("custom1", Change("realized", 1)));

    // A transport that records what it was asked to do; the handle is the message's position in the batch.
    private sealed class RecordingSettler(bool canRetryInPlace = true) : IMessageSettler<int>
    {
        public List<string> Calls { get; } = [];

        public Exception? SetAsideFailure { get; init; }

        public Func<int>? PatchesSoFar { get; init; }

        public List<(ReceivedMessage<int> Message, Settlement Settlement)> Settled { get; } = [];

        public bool CanRetryInPlace => canRetryInPlace;

        public bool StopsReceivingWhilePaused => true;

        public Task<string> SetAsideAsync(ReceivedMessage<int> message, string reason, CancellationToken cancellationToken)
        {
            Calls.Add($"set aside {message.MessageId} after {PatchesSoFar?.Invoke()} patches");
            return SetAsideFailure is { } failure ? Task.FromException<string>(failure) : Task.FromResult("poison");
        }

        public Task SettleAsync(IReadOnlyList<(ReceivedMessage<int> Message, Settlement Settlement)> settlements, CancellationToken cancellationToken)
        {
            Calls.Add("settle");
            Settled.AddRange(settlements);
            return Task.CompletedTask;
        }
    }

    private sealed class Harness
    {
        public Harness(AzuriteFixture azurite)
        {
            Delivery = new DeliveryHarness(azurite);
            var delivery = Options.Create(Delivery.Options);
            var cache = new EmailProspectCache(new TableServiceClient(azurite.ConnectionString), delivery, Options.Create(new EmailResolutionOptions()), Delivery.Time);
            var resolver = new EmailResolver(
                cache, EmailHasher.Unkeyed, new FakeEmailLookup(), Delivery.Budget, CompiledMapping.Compile(Ingest.SampleFiles.Mapping()), delivery, Delivery.Time, NullLogger<EmailResolver>.Instance);
            var emails = new EmailResolutionStep(resolver, Delivery.Recorder, CompiledMapping.Compile(Ingest.SampleFiles.Mapping()), Delivery.Time, NullLogger<EmailResolutionStep>.Instance);
            Processor = new ReceivedBatchProcessor(Delivery.EngineWith(claims: null, emails), Delivery.Pause, Delivery.Time, NullLogger<ReceivedBatchProcessor>.Instance);
        }

        public DeliveryHarness Delivery { get; }

        public ReceivedBatchProcessor Processor { get; }
    }

    private static ReceivedMessage<int> Received(int index, string body, int deliveryCount = 1) =>
        new("m" + index, BinaryData.FromString(body), deliveryCount, index);

    private static string Body(long prospectId, int attemptsUsed = 0) =>
        ProspectUpdateFormat.SerializeToString(TestUpdates.Update(prospectId, 1, ("custom1", Change("realized", 1))), attemptsUsed);

    [Fact]
    public async Task Undecodable_messages_are_set_aside_before_any_patch_and_the_others_are_settled_after()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();
        var settler = new RecordingSettler { PatchesSoFar = () => harness.Delivery.Sent.Count };
        // A body quoted once too often is still an update.
        var quoted = System.Text.Json.JsonSerializer.Serialize(Body(3));

        var result = await harness.Processor.ProcessAsync([Received(0, Body(1)), Received(1, "not an update {"), Received(2, quoted)], settler, CancellationToken.None);

        Assert.Equal(["set aside m1 after 0 patches", "settle"], settler.Calls);
        Assert.Equal([1L, 3L], harness.Delivery.Sent.Select(s => s.ProspectId).Order());
        var kept = Assert.Single(result.SetAside);
        Assert.Equal(("m1", "poison"), (kept.MessageId, kept.KeptAs));
        Assert.Equal([0, 2], settler.Settled.Select(s => s.Message.Handle));
        Assert.All(settler.Settled, s => Assert.IsType<Settlement.Complete>(s.Settlement));
        Assert.Equal(3, result.Received);
        Assert.Equal(2, result.Delivery!.Fates.Count);
    }

    [Fact]
    public async Task Batch_stops_before_delivering_when_a_message_cannot_be_set_aside()
    {
        var harness = new Harness(azurite);
        var settler = new RecordingSettler { SetAsideFailure = new MessageSettlementException("archive down") };

        await Assert.ThrowsAsync<MessageSettlementException>(() =>
            harness.Processor.ProcessAsync([Received(0, Body(1)), Received(1, "garbage")], settler, CancellationToken.None));

        Assert.Empty(harness.Delivery.Sent);
        Assert.DoesNotContain("settle", settler.Calls);
    }

    [Fact]
    public async Task Batch_of_only_undecodable_messages_delivers_and_settles_nothing()
    {
        var harness = new Harness(azurite);
        var settler = new RecordingSettler();

        var result = await harness.Processor.ProcessAsync([Received(0, "garbage")], settler, CancellationToken.None);

        Assert.Null(result.Delivery);
        Assert.Empty(result.Settlements);
        Assert.Equal(["set aside m0 after  patches"], settler.Calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Delivery_attempt_adds_the_attempts_carried_to_the_transports_delivery_count(bool canRetryInPlace)
    {
        var harness = new Harness(azurite);
        harness.Delivery.Answer(_ => new OutreachCallOutcome.Transient(503, "Service Unavailable", null, default));
        var settler = new RecordingSettler(canRetryInPlace);

        var result = await harness.Processor.ProcessAsync([Received(0, Body(1, attemptsUsed: 1), deliveryCount: 2)], settler, CancellationToken.None);

        var retry = Assert.IsType<MessageFate.RetryLater>(Assert.Single(result.Delivery!.Fates));
        Assert.Equal(3, retry.AttemptsUsed);
        var settlement = Assert.Single(settler.Settled).Settlement;
        if (canRetryInPlace)
        {
            Assert.Equal(retry.Delay, Assert.IsType<Settlement.RetryInPlace>(settlement).Delay);
        }
        else
        {
            var successor = Assert.IsType<Settlement.Successor>(settlement);
            Assert.Equal((3, retry.RetryAt, "retry"), (successor.AttemptsUsed, successor.VisibleAt, successor.Reason));
            Assert.Equal(3, ProspectUpdateFormat.DeserializeQueued(successor.Body).AttemptsUsed);
        }
    }

    public static TheoryData<MessageFate, bool, bool, Settlement> Dispositions() => new()
    {
        { new MessageFate.Delivered("m", 1), true, true, new Settlement.Complete() },
        { new MessageFate.Poisoned("m", 5, new FailureLedgerKey("deliveryAttemptsExhausted", "9")), false, false, new Settlement.Complete() },
        { new MessageFate.RetryLater("m", 2, Now.AddMinutes(1), TimeSpan.FromMinutes(1), "503"), true, true, new Settlement.RetryInPlace(TimeSpan.FromMinutes(1)) },
        { new MessageFate.RetryLater("m", 2, Now.AddMinutes(1), TimeSpan.FromMinutes(1), "503"), false, false, Copy(2, Now.AddMinutes(1), "retry") },
        { new MessageFate.Deferred("m", 1, Now.AddMinutes(5)), true, true, Copy(1, Now.AddMinutes(5), "deferred") },
        { new MessageFate.Deferred("m", 1, Now.AddMinutes(5)), false, false, Copy(1, Now.AddMinutes(5), "deferred") },
        // A drainer that stops receiving while paused finds a held copy at once; a trigger that keeps receiving would spin on it.
        { new MessageFate.Paused("m", 0, Now.AddMinutes(15)), true, true, Copy(0, Now, "paused") },
        { new MessageFate.Paused("m", 0, Now.AddMinutes(15)), false, false, Copy(0, Now.AddMinutes(15), "paused") },
    };

    private static Settlement.Successor Copy(int attemptsUsed, DateTimeOffset visibleAt, string reason) =>
        new(ProspectUpdateFormat.SerializeToString(Update, attemptsUsed), attemptsUsed, visibleAt, reason);

    [Theory]
    [MemberData(nameof(Dispositions))]
    public void Each_disposition_becomes_the_settlement_its_transport_can_apply(MessageFate disposition, bool canRetryInPlace, bool stopsReceivingWhilePaused, Settlement expected)
    {
        Assert.Equal(expected, ReceivedBatchProcessor.SettlementFor(Update, disposition, canRetryInPlace, stopsReceivingWhilePaused, Now));
    }

    [Fact]
    public async Task A_message_carrying_an_export_delivers_each_update_and_is_settled_once()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();
        var settler = new RecordingSettler();
        var export = UpdateBatchFormat.Serialize([.. new long[] { 1, 2, 3 }.Select(id => new QueuedUpdate(TestUpdates.Update(id, 1, ("custom1", Change("realized", 1))), 0))]).Single();

        var result = await harness.Processor.ProcessAsync([Received(0, export), Received(1, Body(4))], settler, CancellationToken.None);

        Assert.Equal([1L, 2L, 3L, 4L], harness.Delivery.Sent.Select(s => s.ProspectId).Order());
        Assert.Equal(["m0/1", "m0/2", "m0/3", "m1"], result.Delivery!.Fates.Select(d => d.MessageId));
        Assert.Equal([0, 1], settler.Settled.Select(s => s.Message.Handle));
        Assert.All(settler.Settled, s => Assert.IsType<Settlement.Complete>(s.Settlement));
    }
}
