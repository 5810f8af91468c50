using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using Moq;
using Outreach.Connector.Queueing.ServiceBus;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The library-based sender against the mocked client library (RecordingServiceBus: Moq on ServiceBusClient and
// ServiceBusSender, ServiceBusModelFactory batches), and its registration against the real client types (no broker
// runs here, and nothing connects before a send).
public sealed class ServiceBusMessageSenderTests
{
    private readonly RecordingServiceBus _bus = new();

    private ServiceBusMessageSender Sender => new(_bus.Sender.Object);

    private static List<ServiceBusOutgoingMessage> Messages(int count, int bodyLength = 50) =>
        [.. Enumerable.Range(1, count).Select(i => new ServiceBusOutgoingMessage(new string('x', bodyLength)) { MessageId = "m-" + i })];

    [Fact]
    public async Task Message_carries_body_and_every_broker_property()
    {
        var scheduled = new DateTimeOffset(2026, 3, 2, 10, 35, 30, TimeSpan.Zero);
        var outgoing = new ServiceBusOutgoingMessage("{\"v\":1,\"p\":7}")
        {
            MessageId = "next-1",
            ScheduledEnqueueTime = scheduled,
            TimeToLive = TimeSpan.FromMinutes(5),
            CorrelationId = "corr",
            Subject = "held",
            ApplicationProperties = new Dictionary<string, object> { ["attemptsUsed"] = 2, ["previousMessageId"] = "m-1" },
        };

        var result = await Sender.SendBatchAsync([outgoing], CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Sent, result.Status);
        var message = Assert.Single(Assert.Single(_bus.Sends));
        Assert.Equal("{\"v\":1,\"p\":7}", message.Body.ToString());
        Assert.Equal(("application/json", "next-1", "corr", "held"), (message.ContentType, message.MessageId, message.CorrelationId, message.Subject));
        Assert.Equal(scheduled, message.ScheduledEnqueueTime);
        Assert.Equal(TimeSpan.FromMinutes(5), message.TimeToLive);
        Assert.Equal(2, message.ApplicationProperties["attemptsUsed"]);
        Assert.Equal("m-1", message.ApplicationProperties["previousMessageId"]);
    }

    [Fact]
    public async Task Messages_that_fit_go_in_one_batch()
    {
        var result = await Sender.SendBatchAsync(Messages(10), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(10, Assert.Single(_bus.Sends).Count);
        Assert.Contains("in 1 batch.", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_that_do_not_fit_are_split_into_batches_in_order()
    {
        _bus.MaxBatchBytes = 3 * (50 + 100); // three messages a batch

        var result = await Sender.SendBatchAsync(Messages(10), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([3, 3, 3, 1], _bus.Sends.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "m-" + i), _bus.Messages.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Message_larger_than_a_batch_is_refused_without_sending()
    {
        _bus.MaxBatchBytes = 1000;

        var result = await Sender.SendBatchAsync(Messages(1, bodyLength: 2000), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.QuotaExceededOrTooLarge, result.Status);
        Assert.Contains("larger than one batch may be", result.Message, StringComparison.Ordinal);
        Assert.Empty(_bus.Attempts);
    }

    [Fact]
    public async Task Empty_list_sends_nothing()
    {
        var result = await Sender.SendBatchAsync([], CancellationToken.None);

        Assert.True(result.Succeeded);
        _bus.Sender.Verify(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    public static TheoryData<Exception, ServiceBusSendStatus, bool, string> Failures() => new()
    {
        { new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy), ServiceBusSendStatus.Throttled, true, "busy" },
        { new ServiceBusException("timeout", ServiceBusFailureReason.ServiceTimeout), ServiceBusSendStatus.Transient, true, "send again later" },
        { new ServiceBusException("reset", ServiceBusFailureReason.ServiceCommunicationProblem), ServiceBusSendStatus.Transient, true, "send again later" },
        { new ServiceBusException("quota", ServiceBusFailureReason.QuotaExceeded), ServiceBusSendStatus.QuotaExceededOrTooLarge, false, "quota exceeded" },
        { new ServiceBusException("size", ServiceBusFailureReason.MessageSizeExceeded), ServiceBusSendStatus.QuotaExceededOrTooLarge, false, "too large" },
        { new ServiceBusException("gone", ServiceBusFailureReason.MessagingEntityNotFound), ServiceBusSendStatus.EntityNotFound, false, "Delivery__QueueName" },
        { new ServiceBusException("off", ServiceBusFailureReason.MessagingEntityDisabled), ServiceBusSendStatus.EntityNotFound, false, "Delivery__QueueName" },
        { new ServiceBusException(false, "bad", "q", ServiceBusFailureReason.GeneralError, null), ServiceBusSendStatus.Rejected, false, "will not help" },
        { new UnauthorizedAccessException("'Send' claim(s) are required"), ServiceBusSendStatus.Unauthorized, false, "Azure Service Bus Data Sender" },
        { new AuthenticationFailedException("no identity"), ServiceBusSendStatus.Unauthorized, false, "AZURE_CLIENT_ID" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Failures_are_results_classified_with_the_reason(Exception failure, ServiceBusSendStatus expected, bool retryable, string hint)
    {
        _bus.Failures.Enqueue(failure);

        var result = await Sender.SendBatchAsync(Messages(2), CancellationToken.None);

        Assert.Equal((expected, retryable), (result.Status, result.IsRetryable));
        Assert.Contains(hint, result.Message, StringComparison.Ordinal);
        Assert.Contains(failure.Message, result.Message, StringComparison.Ordinal);
        Assert.Throws<ServiceBusSendException>(() => result.EnsureSent());
    }

    [Fact]
    public async Task Failure_after_a_sent_batch_says_how_many_were_sent_and_stops()
    {
        _bus.MaxBatchBytes = 3 * (50 + 100);
        _bus.Failures.Enqueue(null);
        _bus.Failures.Enqueue(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy));

        var result = await Sender.SendBatchAsync(Messages(10), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Throttled, result.Status);
        Assert.Contains("the first 3 were sent before", result.Message, StringComparison.Ordinal);
        Assert.Equal(2, _bus.Attempts.Count);
        Assert.Single(_bus.Sends);
    }

    [Fact]
    public async Task Cancellation_is_not_a_result()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _bus.Failures.Enqueue(new OperationCanceledException(cancelled.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender.SendBatchAsync(Messages(1), cancelled.Token));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddServiceBusSender(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public async Task Namespace_setting_makes_one_identity_client_and_one_sender_for_the_queue()
    {
        await using var services = Services(new()
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "sb-x.servicebus.windows.net",
            ["ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["Delivery:QueueName"] = "prospect-updates",
        });

        var client = services.GetRequiredService<ServiceBusClient>();
        var sender = services.GetRequiredService<ServiceBusSender>();

        Assert.Equal("sb-x.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal("prospect-updates", sender.EntityPath);
        Assert.Same(client, services.GetRequiredService<ServiceBusClient>());
        Assert.Same(sender, services.GetRequiredService<ServiceBusSender>());
        Assert.IsType<ServiceBusMessageSender>(services.GetRequiredService<IServiceBusMessageSender>());
    }

    [Fact]
    public async Task Emulator_connection_string_alone_is_enough()
    {
        await using var services = Services(new()
        {
            ["ServiceBusConnection"] = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            ["Delivery:QueueName"] = "prospect-updates",
        });

        Assert.Equal("localhost", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Theory]
    [InlineData(null, null, "prospect-updates", "The setting ServiceBusConnection__fullyQualifiedNamespace is missing")]
    [InlineData("https://sb-x.servicebus.windows.net/", null, "prospect-updates", "must be a host name")]
    [InlineData(null, "not-a-connection-string-SECRET", "prospect-updates", "The setting ServiceBusConnection is not a Service Bus connection string")]
    [InlineData("sb-x.servicebus.windows.net", null, null, "The setting Delivery__QueueName is missing")]
    public async Task Wrong_settings_are_refused_with_the_setting_named(string? ns, string? connectionString, string? queue, string expected)
    {
        await using var services = Services(new()
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = ns,
            ["ServiceBusConnection"] = connectionString,
            ["Delivery:QueueName"] = queue,
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IServiceBusMessageSender>());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }
}
