using System.Net;
using Azure.Messaging.ServiceBus;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Storage;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Testing;
using OutreachFunctions.Functions.Deliver;
using OutreachFunctions.Functions.Misconfigured;
using OutreachFunctions.Hosting;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The Deliver function as the Functions host calls it: golden batch envelopes (docs/reference/functions-host.md §2.2–2.3: Data a
// string holding an array of body strings, *Array metadata strings holding arrays) POSTed to /Deliver. The connection is
// not authorized here, so every deliverable update is held: that exercises decoding, archiving, poisoning and the
// scheduled copies without Outreach. Deliveries to the sandbox are in DeliverEndToEndTests.
[Collection(AzuriteCollection.Name)]
public sealed class DeliverFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RecordingServiceBus _bus = new();
    private FunctionsHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await StartHandlerAsync(_bus, FunctionsHandler.AzuriteSettings(azurite));

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    internal static Task<FunctionsHandler> StartHandlerAsync(RecordingServiceBus bus, IDictionary<string, string?> settings, Action<IServiceCollection>? replace = null) =>
        FunctionsHandler.StartAsync(
            settings,
            services =>
            {
                services.AddSingleton<ITokenStore>(new InMemoryTokenStore());
                services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
                services.AddSingleton<TokenCredential>(new FakeTokenCredential(TimeProvider.System));
                replace?.Invoke(services);
            },
            bus);

    private async Task<(HttpStatusCode Status, string Text)> InvokeAsync(string envelope)
    {
        using var response = await _handler.InvokeAsync(DeliverFunction.Name, envelope);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Envelope_builder_writes_exactly_what_the_golden_batch_holds()
    {
        // The golden file was written independently (Newtonsoft-style escaping), as the reference describes the host.
        using var golden = JsonDocument.Parse(Golden.Read("Deliver", "batch.request.json"));
        var bodies = JsonSerializer.Deserialize<string[]>(golden.RootElement.GetProperty("Data").GetProperty("messages").GetString()!)!;
        var counts = new[] { 1, 3, 1, 11, 1, 1 };
        var messages = bodies.Select((body, i) => new QueueMessage(body, "m-" + (i + 1), counts[i], 101 + i)).ToList();

        var built = JsonNode.Parse(HostEnvelope.ServiceBusBatch(messages));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Golden.Read("Deliver", "batch.request.json")), built), built!.ToJsonString());
    }

    [Fact]
    public async Task Golden_batch_archives_undecodable_bodies_poisons_the_exhausted_and_schedules_copies_of_the_held()
    {
        var (status, text) = await InvokeAsync(Golden.Read("Deliver", "batch.request.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = JsonNode.Parse(text)!;
        GoldenAnswer.Match("Deliver", "batch", answer);
        Assert.Empty(answer["Outputs"]!.AsObject());

        // One batch through the Service Bus client with a copy of each held update, scheduled at the probe time (now + UnauthorizedHold).
        var batch = Assert.Single(_bus.Sends);
        var copies = batch.ToDictionary(m => ProspectUpdateFormat.DeserializeQueued(m.Body.ToString()).Update.ProspectId);
        Assert.Equal([1L, 2L, 4L], copies.Keys.Order());
        Assert.Equal(0, ProspectUpdateFormat.DeserializeQueued(copies[1].Body.ToString()).AttemptsUsed);
        // m-2 carried 2 attempts and was delivered for the third time: attempt 5, held without counting it: 4 used.
        Assert.Equal(4, ProspectUpdateFormat.DeserializeQueued(copies[2].Body.ToString()).AttemptsUsed);
        foreach (var (prospect, copy) in copies)
        {
            Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 35, 30, TimeSpan.Zero), copy.ScheduledEnqueueTime);
            // The copy expires when the original would have (2026-03-16T10:00:00Z), counted from its scheduled time.
            Assert.Equal(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(35 * 60 + 30), copy.TimeToLive);
            Assert.Equal("paused", copy.Subject);
            Assert.Equal("application/json", copy.ContentType);
            var previous = (string)copy.ApplicationProperties[SuccessorMessage.PreviousMessageIdProperty];
            Assert.Equal(SuccessorMessage.IdFor(previous), copy.MessageId);
        }

        Assert.Equal("m-1", copies[1].ApplicationProperties["previousMessageId"]);
        Assert.Equal("m-5", copies[4].ApplicationProperties["previousMessageId"]);
    }

    [Fact]
    public async Task Undecodable_bodies_are_archived_as_blobs_with_their_metadata()
    {
        await InvokeAsync(Golden.Read("Deliver", "batch.request.json"));

        var container = _handler.Services.GetRequiredService<ConnectorStorage>().Blobs.GetBlobContainerClient(UndecodableMessageArchive.ContainerName);
        foreach (var (id, body) in new[] { ("m-3", "not a prospect update {"), ("m-6", "{\"hello\":\"world\"}") })
        {
            var content = await container.GetBlobClient($"deliver/2026-03-02/{id}.json").DownloadContentAsync();
            using var archived = JsonDocument.Parse(content.Value.Content.ToString());
            Assert.Equal(id, archived.RootElement.GetProperty("messageId").GetString());
            Assert.Equal(body, archived.RootElement.GetProperty("body").GetString());
            Assert.Equal(1, archived.RootElement.GetProperty("deliveryCount").GetInt32());
            Assert.False(string.IsNullOrEmpty(archived.RootElement.GetProperty("reason").GetString()));
        }
    }

    [Fact]
    public async Task Message_delivered_more_often_than_allowed_lands_in_the_failure_ledger()
    {
        await InvokeAsync(Golden.Read("Deliver", "batch.request.json"));

        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in _handler.Services.GetRequiredService<FailureLedger>().QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        var poisoned = Assert.Single(entries);
        Assert.Equal(FailureKind.Poisoned, poisoned.Kind);
        Assert.Equal(3, poisoned.ProspectId);
    }

    [Fact]
    public async Task Redelivered_batch_sends_copies_with_the_same_message_ids()
    {
        var first = JsonNode.Parse(Golden.Read("Deliver", "batch.request.json"))!;
        var again = first.DeepClone();
        again["Metadata"]!["DeliveryCountArray"] = "[2,4,2,12,2,2]";

        await InvokeAsync(first.ToJsonString());
        await InvokeAsync(again.ToJsonString());

        var ids = _bus.Sends.Select(batch => batch.Select(m => m.MessageId).Order(StringComparer.Ordinal).ToList()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }

    public static TheoryData<Exception> SendFailures() => new()
    {
        new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy),
        new ServiceBusException("timed out", ServiceBusFailureReason.ServiceTimeout),
        new UnauthorizedAccessException("Unauthorized access. 'Send' claim(s) are required to perform this operation."),
        new ServiceBusException("quota", ServiceBusFailureReason.QuotaExceeded),
    };

    [Theory]
    [MemberData(nameof(SendFailures))]
    public async Task Failed_send_of_the_copies_fails_the_invocation_so_service_bus_redelivers(Exception failure)
    {
        _bus.Failures.Enqueue(failure);

        var (status, text) = await InvokeAsync(Golden.Read("Deliver", "batch.request.json"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("could not be sent", text, StringComparison.Ordinal);
        Assert.Single(_bus.Attempts);
        Assert.Empty(_bus.Sends);
    }

    [Fact]
    public async Task Unreadable_envelope_fails_the_invocation()
    {
        var (status, _) = await InvokeAsync("{\"Data\":{\"messages\":\"[not json\"},\"Metadata\":{\"MessageIdArray\":\"[\\\"a\\\"]\"}}");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Empty(_bus.Attempts);
    }

    [Fact]
    public async Task Batch_of_only_undecodable_bodies_succeeds_without_sending()
    {
        var envelope = HostEnvelope.ServiceBusBatch([new QueueMessage("garbage", "only-1")]);

        var (status, text) = await InvokeAsync(envelope);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("only-1 is not a prospect update", text, StringComparison.Ordinal);
        Assert.Empty(_bus.Attempts);
    }

    [Fact]
    public async Task Service_bus_sender_settings_are_checked_at_start()
    {
        await using var misconfigured = await FunctionsHandler.StartAsync(
            FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), new Dictionary<string, string?> { ["ServiceBusConnection:fullyQualifiedNamespace"] = "https://not-a-host-name/" }));
        var error = new { Message = string.Join(" ", misconfigured.Services.GetRequiredService<SettingsCheck>().Problems.Select(p => p.Problem)) };

        Assert.Contains("must be a host name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_mode_defaults_the_batch_time_limit_inside_the_lock_and_refuses_a_longer_one()
    {
        Assert.Equal(FunctionsDeliveryDefaults.DefaultMaxBatchDuration, _handler.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.MaxBatchDuration);

        await using var misconfigured = await FunctionsHandler.StartAsync(
            FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), new Dictionary<string, string?> { ["Delivery:MaxBatchDuration"] = "00:04:00" }));
        var error = new { Message = string.Join(" ", misconfigured.Services.GetRequiredService<SettingsCheck>().Problems.Select(p => p.Problem)) };
        Assert.Contains("Delivery__MaxBatchDuration must be at most", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_json_is_a_string_batch_trigger_on_the_configured_queue()
    {
        using var definition = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", "Deliver", "function.json")));
        var trigger = Assert.Single(definition.RootElement.GetProperty("bindings").EnumerateArray());
        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(DeliverFunction.TriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal("%Delivery:QueueName%", trigger.GetProperty("queueName").GetString());
        Assert.Equal("ServiceBusConnection", trigger.GetProperty("connection").GetString());
        Assert.Equal("many", trigger.GetProperty("cardinality").GetString());
        Assert.Equal("string", trigger.GetProperty("dataType").GetString());
    }
}
