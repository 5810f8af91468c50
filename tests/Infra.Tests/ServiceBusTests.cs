namespace Infra.Tests;

public sealed class ServiceBusTests
{
    private static TemplateResource Namespace => CompiledTemplate.Main.Single("Microsoft.ServiceBus/namespaces");

    private static TemplateResource Queue => CompiledTemplate.Main.Single("Microsoft.ServiceBus/namespaces/queues");

    [Fact]
    public void Service_Bus_namespace_disables_local_auth()
    {
        Assert.Equal("true", Namespace.TextAt("properties.disableLocalAuth"));
    }

    [Fact]
    public void Service_Bus_namespace_requires_TLS_1_2()
    {
        Assert.Equal("1.2", Namespace.TextAt("properties.minimumTlsVersion"));
    }

    [Fact]
    public void Service_Bus_namespace_is_Standard_tier()
    {
        Assert.Equal("Standard", Namespace.TextAt("sku.name"));
    }

    [Fact]
    public void Updates_queue_dead_letters_expired_messages()
    {
        Assert.Equal("true", Queue.TextAt("properties.deadLetteringOnMessageExpiration"));
        Assert.Contains("messageTimeToLiveDays", Queue.TextAt("properties.defaultMessageTimeToLive"), StringComparison.Ordinal);
    }

    [Fact]
    public void Updates_queue_detects_duplicates_within_a_configurable_window()
    {
        Assert.Equal("true", Queue.TextAt("properties.requiresDuplicateDetection"));
        Assert.Contains("duplicateDetectionWindowMinutes", Queue.TextAt("properties.duplicateDetectionHistoryTimeWindow"), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_duplicate_detection_window_covers_AEPs_retries_and_stays_short()
    {
        // AEP retries a failed export after 15 s and 30 s: the window must hold the first send's ids past both, and a
        // long window would drop an update whose values changed and changed back (docs/functions.md).
        var window = CompiledTemplate.Main.Root.Parameters["queueDuplicateDetectionWindowMinutes"]!["defaultValue"]!.GetValue<int>();
        Assert.InRange(window, 2, 60);
    }

    [Fact]
    public void Updates_queue_has_no_sessions_so_bulk_batches_are_not_split()
    {
        // Per-prospect order comes from claims in Table storage; sessions would give each batch invocation one session.
        Assert.Equal("false", Queue.TextAt("properties.requiresSession"));
    }

    [Fact]
    public void Updates_queue_lock_and_delivery_count_come_from_parameters()
    {
        Assert.Contains("lockDurationSeconds", Queue.TextAt("properties.lockDuration"), StringComparison.Ordinal);
        Assert.Contains("maxDeliveryCount", Queue.TextAt("properties.maxDeliveryCount"), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_lock_covers_a_batch_of_100_at_Outreach_pace()
    {
        // 100 updates at 10,000 requests/hour take 36 s; the default is the Service Bus maximum of 5 minutes.
        var lockSeconds = CompiledTemplate.Main.Root.Parameters["queueLockDurationSeconds"]!;
        Assert.Equal(300, lockSeconds["defaultValue"]!.GetValue<int>());
        Assert.Equal(300, lockSeconds["maxValue"]!.GetValue<int>());
        Assert.True(100 / (10_000.0 / 3600) < lockSeconds["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void Default_queue_name_matches_the_app_setting_sample()
    {
        var queueName = CompiledTemplate.Main.Root.Parameters["queueName"]!["defaultValue"]!.GetValue<string>();
        Assert.Equal(SampleSettings.Values["Delivery__QueueName"], queueName);
    }
}
