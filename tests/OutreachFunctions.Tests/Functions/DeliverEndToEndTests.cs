using System.Globalization;
using System.Net;
using Azure.Messaging.ServiceBus;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Faults;
using Outreach.Testing;
using OutreachFunctions.Functions.Deliver;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.Functions;

// The Functions app's Deliver end to end: the handler in Functions mode in-process, connected to the Outreach sandbox
// through the Connect and Callback envelopes, its state on Azurite, and a loopback fake of the Service Bus REST API
// receiving the copies it re-enqueues. Batch envelopes are built from queued updates as the host writes them. The test
// plays the broker: it feeds the scheduled copies back once their time has come.
[Collection(AzuriteCollection.Name)]
public sealed class DeliverEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Audience = "aaaaaaaa-1111-4000-8000-000000000001";
    private static readonly string[] Statuses = ["realized", "existing", "exited"];
    private SandboxServer _sandbox = null!;
    private readonly RecordingServiceBus _bus = new();
    private FunctionsHandler _handler = null!;
    private Dictionary<string, string?> _settings = null!;
    private long _sequence;

    public async Task InitializeAsync()
    {
        // Tokens may be minted back to back: a refresh right after connecting must reach Outreach's verdict, not a minting limit.
        var sandboxOptions = FastSandbox();
        sandboxOptions.OAuth.MintingInterval = TimeSpan.Zero;
        _sandbox = await SandboxServer.StartAsync(sandboxOptions);
        _settings = FunctionsHandler.Merge(
            FunctionsHandler.AzuriteSettings(azurite), FunctionsHandler.SandboxSettings(_sandbox), FastDelivery(), new Dictionary<string, string?>
            {
                ["Tokens:MintingInterval"] = "00:00:00",

                // These tests are about the PATCH path's transport behaviour: the bulk pass (reads, bulk writes) stays out.
                ["Delivery:BulkWrites"] = "off",
                ["Delivery:PerRecordBulk"] = "off",
                ["Delivery:ReadBeforeWrite"] = "false",
                ["Delivery:ResendUnchanged"] = "true",
            });
        _handler = await DeliverFunctionTests.StartHandlerAsync(_bus, _settings, services => services.AddSingleton<TimeProvider>(TimeProvider.System));
        await FunctionsConnection.ConnectAsync(_handler, _sandbox);
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    // A queued update as ingest writes it: custom1 of the prospect gets a status observed at `minute`.
    private static string Update(long prospectId, int minute, int attemptsUsed = 0)
    {
        var observed = new DateTimeOffset(2025, 3, 1, 0, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var n = attemptsUsed > 0 ? ",\"n\":" + attemptsUsed.ToString(CultureInfo.InvariantCulture) : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"p\":{prospectId},\"r\":{observed},\"f\":{{\"custom1\":{{\"v\":\"{StatusOf(prospectId)}\",\"t\":{observed},\"a\":\"{Audience}\"}}}}{n}}}");
    }

    private static string StatusOf(long prospectId) => Statuses[prospectId % Statuses.Length];

    private QueueMessage Message(string body, string id, int deliveryCount = 1) =>
        new(body, id, deliveryCount, Interlocked.Increment(ref _sequence)) { EnqueuedTime = DateTimeOffset.UtcNow };

    private async Task<(HttpStatusCode Status, string Text)> DeliverAsync(IReadOnlyList<QueueMessage> messages, FunctionsHandler? handler = null)
    {
        using var response = await (handler ?? _handler).InvokeAsync(DeliverFunction.Name, HostEnvelope.ServiceBusBatch(messages));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertSandboxHoldsAsync(IEnumerable<long> prospects)
    {
        foreach (var id in prospects)
        {
            var attributes = await _sandbox.GetProspectAttributesAsync(id);
            Assert.True(attributes is { } a && a.TryGetProperty("custom1", out var value) && value.GetString() == StatusOf(id), $"prospect {id}: custom1 is not {StatusOf(id)}");
        }
    }

    private static List<Copy> Copies(IReadOnlyList<ServiceBusMessage> batch) =>
        [.. batch.Select(m => new Copy(m.Body.ToString(), m.MessageId, m.ScheduledEnqueueTime == default ? null : m.ScheduledEnqueueTime, m.Subject))];

    // Plays the broker: delivers the copies when they are due, and whatever those deliveries re-enqueue, until none is left.
    private async Task DeliverCopiesUntilDoneAsync(List<Copy> pending)
    {
        var seen = _bus.Sends.Count;
        for (var round = 0; pending.Count > 0; round++)
        {
            Assert.True(round < 20, "copies kept being re-enqueued");
            var due = pending.Max(c => c.ScheduledAt ?? DateTimeOffset.MinValue);
            if (due > DateTimeOffset.UtcNow)
            {
                await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
            }

            var (status, text) = await DeliverAsync([.. pending.Select(c => Message(c.Body, c.MessageId))]);
            Assert.True(status == HttpStatusCode.OK, text);
            pending = [.. _bus.Sends.Skip(seen).SelectMany(Copies)];
            seen = _bus.Sends.Count;
        }
    }

    [Fact]
    public async Task Batch_updates_the_prospects_in_the_sandbox_and_poisons_the_exhausted_message()
    {
        var messages = Enumerable.Range(1, 30).Select(id => Message(Update(id, minute: 1), "ingest-" + id)).ToList();
        messages.Add(Message(Update(31, minute: 1), "ingest-31", deliveryCount: 11));

        var (status, text) = await DeliverAsync(messages);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Contains("31 updates: 30 done, 1 poisoned (failure ledger), 0 deferred, 0 to retry, 0 paused.", text, StringComparison.Ordinal);
        await AssertSandboxHoldsAsync(Enumerable.Range(1, 30).Select(i => (long)i));
        Assert.Empty(_bus.Attempts);
        var ledger = new List<FailureLedgerEntry>();
        await foreach (var entry in _handler.Services.GetRequiredService<FailureLedger>().QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            ledger.Add(entry);
        }

        var poisoned = Assert.Single(ledger);
        Assert.Equal(FailureKind.Poisoned, poisoned.Kind);
        Assert.Equal(31, poisoned.ProspectId);
        var attributes = await _sandbox.GetProspectAttributesAsync(31);
        Assert.False(attributes is { } a && a.TryGetProperty("custom1", out var v) && v.GetString() == StatusOf(31), "the poisoned update was sent");
    }

    [Fact]
    public async Task Forced_429_window_reschedules_the_batch_at_the_reset_with_the_attempts_carried_and_nothing_is_lost()
    {
        var applied = await _sandbox.SetFaultsAsync(new FaultSettings { ForcedRateLimitSeconds = 3 });
        var reset = applied.ForcedRateLimitUntil!.Value;
        // Each update already used one attempt and is on its second delivery: attempt 3, deferred without counting it.
        var messages = Enumerable.Range(101, 20).Select(id => Message(Update(id, minute: 2, attemptsUsed: 1), "ingest-" + id, deliveryCount: 2)).ToList();

        var (status, text) = await DeliverAsync(messages);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.True((await _sandbox.GetCountersAsync()).ByStatus.GetValueOrDefault("429") > 0, "the forced window produced no 429");
        var copies = Copies(Assert.Single(_bus.Sends));
        Assert.Equal(20, copies.Count);
        var blockedUntil = (await _handler.Services.GetRequiredService<RequestBudget>().ReadStatusAsync(CancellationToken.None)).BlockedUntil!.Value;
        Assert.True(blockedUntil >= reset, $"budget blocked until {blockedUntil:O}, before the reset {reset:O}");
        Assert.All(copies, copy =>
        {
            Assert.Equal(SuccessorMessage.RoundUpToSecond(blockedUntil), copy.ScheduledAt);
            Assert.Equal("deferred", copy.Subject);
            Assert.Equal(2, ProspectUpdateFormat.DeserializeQueued(copy.Body).AttemptsUsed);
        });
        Assert.Equal(
            messages.Select(m => SuccessorMessage.IdFor(m.MessageId)).Order(StringComparer.Ordinal),
            copies.Select(c => c.MessageId).Order(StringComparer.Ordinal));

        await DeliverCopiesUntilDoneAsync(copies);

        await AssertSandboxHoldsAsync(Enumerable.Range(101, 20).Select(i => (long)i));
    }

    [Fact]
    public async Task Transient_failures_schedule_retries_that_count_the_attempt()
    {
        await _sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1.0, ServerErrorStatusCode = 500 });
        var messages = Enumerable.Range(201, 5).Select(id => Message(Update(id, minute: 3), "ingest-" + id)).ToList();

        var (status, text) = await DeliverAsync(messages);

        Assert.True(status == HttpStatusCode.OK, text);
        var copies = Copies(Assert.Single(_bus.Sends));
        Assert.Equal(5, copies.Count);
        Assert.All(copies, copy =>
        {
            Assert.Equal("retry", copy.Subject);
            Assert.Equal(1, ProspectUpdateFormat.DeserializeQueued(copy.Body).AttemptsUsed);
        });

        await _sandbox.ClearFaultsAsync();
        await DeliverCopiesUntilDoneAsync(copies);
        await AssertSandboxHoldsAsync(Enumerable.Range(201, 5).Select(i => (long)i));
    }

    [Fact]
    public async Task Failed_send_fails_the_invocation_and_the_redelivered_batch_resends_the_same_copies()
    {
        // Outreach refuses the connection: every update is held and must be re-enqueued at the probe time.
        await _sandbox.RevokeUserAsync();
        var messages = Enumerable.Range(301, 10).Select(id => Message(Update(id, minute: 4), "ingest-" + id)).ToList();
        _bus.Failures.Enqueue(new ServiceBusException("The namespace is busy.", ServiceBusFailureReason.ServiceBusy));

        var (failed, reason) = await DeliverAsync(messages);

        Assert.Equal(HttpStatusCode.InternalServerError, failed);
        Assert.Contains("Throttled", reason, StringComparison.Ordinal);

        // Service Bus abandons the batch and delivers it again, each message's DeliveryCount one higher.
        var (status, text) = await DeliverAsync([.. messages.Select(m => m with { DeliveryCount = 2 })]);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.True(text.Contains("outreach.connection.needs_reauthorization", StringComparison.Ordinal), text);
        var attempts = _bus.Attempts.Select(Copies).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].Select(c => c.MessageId).Order(StringComparer.Ordinal), attempts[1].Select(c => c.MessageId).Order(StringComparer.Ordinal));
        var probeAt = _handler.Services.GetRequiredService<IConnectionState>().Status!.ProbeAt;
        Assert.All(attempts[1], copy =>
        {
            Assert.Equal("paused", copy.Subject);
            Assert.Equal(SuccessorMessage.RoundUpToSecond(probeAt), copy.ScheduledAt);
            // The second delivery of an update that was never attempted: held, so one attempt used (the failed invocation's).
            Assert.Equal(1, ProspectUpdateFormat.DeserializeQueued(copy.Body).AttemptsUsed);
        });
        Assert.Equal(0, (await _sandbox.GetCountersAsync()).ProspectsPatched);

        // Connecting again resumes delivery at once; the broker would deliver the held copies at the probe time.
        await FunctionsConnection.ConnectAsync(_handler, _sandbox);
        Assert.False(_handler.Services.GetRequiredService<IConnectionState>().IsPaused);
        var (resumed, resumedText) = await DeliverAsync([.. attempts[1].Select(c => Message(c.Body, c.MessageId))]);

        Assert.True(resumed == HttpStatusCode.OK, resumedText);
        await AssertSandboxHoldsAsync(Enumerable.Range(301, 10).Select(i => (long)i));
    }

    [Fact]
    public async Task Reauthorization_through_another_instance_resumes_delivery_on_the_next_batch()
    {
        // Under Flex Consumption, Deliver and the HTTP functions run on different instances: only the token store and
        // the tables are shared. This second handler is the Deliver instance; _handler serves Connect and Callback.
        // A 100 ms poll interval (15 s by default), so the Deliver instance re-reads the shared connection state on its
        // next batch once one interval has passed after connecting.
        var settings = FunctionsHandler.Merge(_settings, new Dictionary<string, string?>
        {
            ["Tokens:StatusRecheckInterval"] = "00:00:00",
            ["Tokens:ConnectionPollInterval"] = "00:00:00.100",
        });
        await using var deliverInstance = await DeliverFunctionTests.StartHandlerAsync(_bus, settings, services =>
        {
            services.AddSingleton<TimeProvider>(TimeProvider.System);
            services.AddSingleton(_handler.Services.GetRequiredService<Outreach.Connector.Tokens.ITokenStore>());
        });
        await _sandbox.RevokeUserAsync();
        var (held, heldText) = await DeliverAsync([.. Enumerable.Range(401, 5).Select(id => Message(Update(id, minute: 5), "ingest-" + id))], deliverInstance);
        Assert.True(held == HttpStatusCode.OK, heldText);
        Assert.Contains("5 paused", heldText, StringComparison.Ordinal);
        Assert.True(deliverInstance.Services.GetRequiredService<IConnectionState>().IsPaused);

        await FunctionsConnection.ConnectAsync(_handler, _sandbox);

        // The paused instance re-reads the shared state at most once per poll interval: let one interval pass.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var (status, text) = await DeliverAsync([.. Enumerable.Range(411, 5).Select(id => Message(Update(id, minute: 5), "ingest-" + id))], deliverInstance);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Contains("Delivery resumed: the connection was authorized again", text, StringComparison.Ordinal);
        Assert.False(deliverInstance.Services.GetRequiredService<IConnectionState>().IsPaused);
        Assert.Contains("5 done", text, StringComparison.Ordinal);
        await AssertSandboxHoldsAsync(Enumerable.Range(411, 5).Select(i => (long)i));
    }

    private sealed record Copy(string Body, string MessageId, DateTimeOffset? ScheduledAt, string? Subject);
}
