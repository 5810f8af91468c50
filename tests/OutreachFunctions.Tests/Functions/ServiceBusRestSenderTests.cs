using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Queueing;
using Outreach.Testing;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The REST sender against a loopback fake that checks the documented request (docs/reference/functions-host.md §9).
public sealed class ServiceBusRestSenderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Reset = new(2026, 3, 2, 11, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 20, 30, TimeSpan.Zero));
    private FakeServiceBus _bus = null!;
    private FakeTokenCredential _credential = null!;
    private ServiceBusRestSender _sender = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _bus = await FakeServiceBus.StartAsync();
        _credential = new FakeTokenCredential(_time);
        _http = new HttpClient();
        _sender = CreateSender(_bus.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bus.DisposeAsync();
    }

    private ServiceBusRestSender CreateSender(Uri baseAddress)
    {
        var options = Options.Create(new ServiceBusRestSenderOptions
        {
            FullyQualifiedNamespace = "sb-test.servicebus.windows.net",
            QueueName = "prospect-updates",
            BaseAddress = baseAddress,
        });
        return new ServiceBusRestSender(_http, new ServiceBusTokenProvider(_credential, _time, options), options);
    }

    private static ServiceBusOutgoingMessage Deferred(string id) => new("{\"v\":1,\"p\":7}")
    {
        MessageId = id,
        ScheduledEnqueueTime = Reset,
        TimeToLive = TimeSpan.FromDays(14),
        ApplicationProperties = new Dictionary<string, object> { ["AttemptsUsed"] = 3, ["Reason"] = "rate_limited", ["Paused"] = false },
    };

    [Fact]
    public async Task Single_message_is_posted_with_broker_properties_and_a_bearer_token()
    {
        var result = await _sender.SendAsync(Deferred("m-7-r3"), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Sent, result.Status);
        Assert.Equal(201, result.HttpStatus);
        var request = Assert.Single(_bus.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/prospect-updates/messages", request.PathAndQuery);
        Assert.Equal("Bearer token-1", request.Header("Authorization"));
        Assert.Equal(["https://servicebus.azure.net/.default"], _credential.LastScopes);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("{\"v\":1,\"p\":7}", Encoding.UTF8.GetString(request.Body));

        using var broker = JsonDocument.Parse(request.Header("BrokerProperties")!);
        Assert.Equal("m-7-r3", broker.RootElement.GetProperty("MessageId").GetString());
        var scheduled = broker.RootElement.GetProperty("ScheduledEnqueueTimeUtc").GetString()!;
        Assert.Equal("Mon, 02 Mar 2026 11:00:00 GMT", scheduled);
        Assert.Equal(Reset, DateTimeOffset.ParseExact(scheduled, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        Assert.Equal(TimeSpan.FromDays(14).TotalSeconds, broker.RootElement.GetProperty("TimeToLive").GetDouble());

        Assert.Equal("3", request.Header("AttemptsUsed"));
        Assert.Equal("\"rate_limited\"", request.Header("Reason"));
        Assert.Equal("false", request.Header("Paused"));
    }

    [Fact]
    public async Task Batch_is_posted_as_service_bus_json()
    {
        var result = await _sender.SendBatchAsync([Deferred("a"), new ServiceBusOutgoingMessage("{\"v\":1,\"p\":8}") { MessageId = "b" }], CancellationToken.None);

        Assert.True(result.Succeeded);
        var request = Assert.Single(_bus.Requests);
        Assert.Equal("/prospect-updates/messages", request.PathAndQuery);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        Assert.Equal("Bearer token-1", request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        var entries = body.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("{\"v\":1,\"p\":7}", entries[0].GetProperty("Body").GetString());
        Assert.Equal("a", entries[0].GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        Assert.Equal("Mon, 02 Mar 2026 11:00:00 GMT", entries[0].GetProperty("BrokerProperties").GetProperty("ScheduledEnqueueTimeUtc").GetString());
        Assert.Equal(3, entries[0].GetProperty("UserProperties").GetProperty("AttemptsUsed").GetInt32());
        Assert.Equal("rate_limited", entries[0].GetProperty("UserProperties").GetProperty("Reason").GetString());
        Assert.Equal("b", entries[1].GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        Assert.False(entries[1].TryGetProperty("UserProperties", out _));
    }

    [Fact]
    public async Task Empty_batch_sends_nothing()
    {
        Assert.True((await _sender.SendBatchAsync([], CancellationToken.None)).Succeeded);
        Assert.Empty(_bus.Requests);
    }

    [Fact]
    public async Task Token_is_cached_until_it_is_near_expiry()
    {
        await _sender.SendAsync(Deferred("1"), CancellationToken.None);
        await _sender.SendAsync(Deferred("2"), CancellationToken.None);
        Assert.Equal(1, _credential.Issued);

        _time.Advance(TimeSpan.FromMinutes(56));
        await _sender.SendAsync(Deferred("3"), CancellationToken.None);

        Assert.Equal(2, _credential.Issued);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], _bus.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Unauthorized_is_retried_once_with_a_fresh_token()
    {
        _bus.Answers.Enqueue(new FakeAnswer(401));

        var result = await _sender.SendAsync(Deferred("1"), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Sent, result.Status);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], _bus.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Unauthorized_twice_names_the_missing_role()
    {
        _bus.Answers.Enqueue(new FakeAnswer(401));
        _bus.Answers.Enqueue(new FakeAnswer(401, "<Error><Code>401</Code><Detail>Unauthorized access. 'Send' claim(s) are required to perform this operation.</Detail></Error>"));

        var result = await _sender.SendAsync(Deferred("1"), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Unauthorized, result.Status);
        Assert.False(result.IsRetryable);
        Assert.Contains("Azure Service Bus Data Sender", result.Message, StringComparison.Ordinal);
        Assert.Contains("'Send' claim(s) are required", result.Message, StringComparison.Ordinal);
        Assert.Equal(2, _bus.Requests.Count);
    }

    [Theory]
    [InlineData(400, ServiceBusSendStatus.Rejected, false)]
    [InlineData(403, ServiceBusSendStatus.QuotaExceededOrTooLarge, false)]
    [InlineData(404, ServiceBusSendStatus.EntityNotFound, false)]
    [InlineData(410, ServiceBusSendStatus.EntityNotFound, false)]
    [InlineData(429, ServiceBusSendStatus.Throttled, true)]
    [InlineData(500, ServiceBusSendStatus.Transient, true)]
    [InlineData(502, ServiceBusSendStatus.Transient, true)]
    [InlineData(503, ServiceBusSendStatus.Throttled, true)]
    [InlineData(408, ServiceBusSendStatus.Transient, true)]
    public async Task Refusals_are_classified_with_the_brokers_detail(int status, ServiceBusSendStatus expected, bool retryable)
    {
        _bus.Answers.Enqueue(new FakeAnswer(status, $"<Error><Code>{status}</Code><Detail>detail for {status} &amp; more</Detail></Error>"));

        var result = await _sender.SendAsync(Deferred("1"), CancellationToken.None);

        Assert.Equal(expected, result.Status);
        Assert.Equal(status, result.HttpStatus);
        Assert.Equal(retryable, result.IsRetryable);
        Assert.Contains("queue 'prospect-updates'", result.Message, StringComparison.Ordinal);
        Assert.EndsWith($": detail for {status} & more", result.Message, StringComparison.Ordinal);
        Assert.Single(_bus.Requests);
    }

    [Fact]
    public async Task Throttling_carries_retry_after()
    {
        _bus.Answers.Enqueue(new FakeAnswer(429, null, new Dictionary<string, string> { ["Retry-After"] = "7" }));

        var result = await _sender.SendBatchAsync([Deferred("1")], CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Throttled, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Failed_send_throws_only_when_asked()
    {
        _bus.Answers.Enqueue(new FakeAnswer(410));

        var result = await _sender.SendAsync(Deferred("1"), CancellationToken.None);

        var error = Assert.Throws<ServiceBusSendException>(() => result.EnsureSent());
        Assert.Same(result, error.Result);
        Assert.Contains("Delivery__QueueName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_transient()
    {
        var closed = CreateSender(new Uri($"http://127.0.0.1:{LoopbackPort.GetFree()}/"));

        var result = await closed.SendAsync(Deferred("1"), CancellationToken.None);

        Assert.Equal(ServiceBusSendStatus.Transient, result.Status);
        Assert.Null(result.HttpStatus);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("BrokerProperties")]
    [InlineData("bad name")]
    public async Task Property_names_that_cannot_be_headers_are_refused(string name)
    {
        var message = new ServiceBusOutgoingMessage("{}") { ApplicationProperties = new Dictionary<string, object> { [name] = 1 } };
        await Assert.ThrowsAsync<ArgumentException>(() => _sender.SendAsync(message, CancellationToken.None));
        Assert.Empty(_bus.Requests);
    }

    [Fact]
    public void Default_address_is_the_namespace_over_https()
    {
        var options = new ServiceBusRestSenderOptions { FullyQualifiedNamespace = "sb-x.servicebus.windows.net", QueueName = "prospect-updates" };
        Assert.Equal("https://sb-x.servicebus.windows.net/prospect-updates/messages", options.MessagesUri.AbsoluteUri);
    }

    [Fact]
    public void Registration_binds_the_app_settings()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "sb-x.servicebus.windows.net",
            ["ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["Delivery:QueueName"] = "prospect-updates",
        });

        Assert.NotNull(services.GetRequiredService<ServiceBusRestSender>());
        var options = services.GetRequiredService<IOptions<ServiceBusRestSenderOptions>>().Value;
        Assert.Equal("https://sb-x.servicebus.windows.net/prospect-updates/messages", options.MessagesUri.AbsoluteUri);
        Assert.Equal("00000000-0000-0000-0000-000000000001", options.ManagedIdentityClientId);
    }

    [Theory]
    [InlineData(null, "prospect-updates", "The setting ServiceBusConnection__fullyQualifiedNamespace is missing")]
    [InlineData("sb://sb-x.servicebus.windows.net/", "prospect-updates", "must be a host name")]
    [InlineData("sb-x.servicebus.windows.net", null, "The setting Delivery__QueueName is missing")]
    public void Registration_names_a_missing_or_wrong_setting(string? ns, string? queue, string message)
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = ns,
            ["Delivery:QueueName"] = queue,
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ServiceBusRestSender>());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<Azure.Core.TokenCredential>(_credential)
            .AddServiceBusRestSender(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
