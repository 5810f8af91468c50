using System.Net;
using OutreachFunctions.Functions;
using OutreachFunctions.Functions.Deliver;
using OutreachFunctions.Functions.Ingest;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

public sealed class HandlerStartupTests
{
    [Fact]
    public async Task Readiness_probe_on_root_is_answered()
    {
        await using var handler = await FunctionsHandler.StartAsync();
        using var response = await handler.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", handler.BaseAddress.Host);
    }

    [Fact]
    public async Task Legacy_port_setting_is_used_when_the_current_one_is_absent()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            [HandlerPort.SettingName] = null,
            [HandlerPort.LegacySettingName] = "0",
        });
        using var response = await handler.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_port_stops_the_build_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FunctionsHandler.StartAsync(new Dictionary<string, string?> { [HandlerPort.SettingName] = null }));
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT is missing", error.Message, StringComparison.Ordinal);
    }

    // A bad setting never stops the handler (the host would shut the whole app down after a few restarts): it listens,
    // answers GET /, and every function answers 503 naming the setting as it is typed in app settings.
    [Theory]
    [InlineData("Delivery:QueueName", "Delivery__QueueName", "The setting Delivery__QueueName is missing")]
    [InlineData("ServiceBusConnection:fullyQualifiedNamespace", "ServiceBusConnection__fullyQualifiedNamespace", "The setting ServiceBusConnection__fullyQualifiedNamespace is missing")]
    [InlineData("ConnectorStorage", "ConnectorStorage__accountName", "The setting ConnectorStorage__accountName is missing")]
    [InlineData("Outreach:ClientId", "Outreach__ClientId", "Outreach__ClientId is required")]
    [InlineData("Tokens:KeyVaultUri", "Tokens__KeyVaultUri", "Tokens__KeyVaultUri must be the vault's https URL")]
    public async Task Missing_setting_keeps_the_handler_listening_and_functions_answer_503_naming_it(string setting, string appSetting, string message)
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { [setting] = null });

        using var probe = await handler.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        var answer = await InvokeIngestAsync(handler);
        Assert.Equal(503, answer.ResponseStatus);
        Assert.Equal("misconfigured", answer.ResponseBody.GetProperty("error").GetString());
        Assert.Contains(
            answer.ResponseBody.GetProperty("settings").EnumerateArray(),
            p => p.GetProperty("setting").GetString() == appSetting && p.GetProperty("problem").GetString()!.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Out_of_range_setting_is_named_in_app_setting_spelling_with_its_allowed_range()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["Tokens:KeepAliveAge"] = "00:00:30" });

        using var probe = await handler.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        var answer = await InvokeIngestAsync(handler);
        Assert.Equal(503, answer.ResponseStatus);
        Assert.Empty(handler.Bus.Attempts);
        var problem = Assert.Single(answer.ResponseBody.GetProperty("settings").EnumerateArray());
        Assert.Equal("Tokens__KeepAliveAge", problem.GetProperty("setting").GetString());
        Assert.StartsWith("Tokens__KeepAliveAge must be between 00:01:00 and ", problem.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Tokens:", answer.ResponseBody.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Misconfigured_health_is_degraded_and_Deliver_fails_so_Service_Bus_keeps_the_messages()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["Tokens:KeepAliveAge"] = "00:00:30" });

        using var healthResponse = await handler.InvokeAsync(MonitoringFunctions.Health, HostEnvelope.HttpGet("/api/health", methodName: MonitoringFunctions.Health));
        var health = await HostAnswer.ReadAsync(healthResponse);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal(503, health.ResponseStatus);
        Assert.Equal("degraded", health.ResponseBody.GetProperty("status").GetString());
        Assert.Equal("misconfigured", health.ResponseBody.GetProperty("reasons")[0].GetProperty("code").GetString());

        // A failed invocation: the host abandons the batch instead of completing it.
        using var deliver = await handler.InvokeAsync(DeliverFunction.Name, HostEnvelope.ServiceBusBatch([]));
        Assert.Equal(HttpStatusCode.InternalServerError, deliver.StatusCode);
        Assert.Contains("Tokens__KeepAliveAge", await deliver.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HostAnswer> InvokeIngestAsync(FunctionsHandler handler)
    {
        using var response = await handler.InvokeAsync(IngestFunction.Name, Golden.Read("Ingest", "single-profile.request.json"));
        var answer = await HostAnswer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return answer;
    }

    [Fact]
    public async Task Emulator_connection_string_satisfies_the_binding_settings()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = null,
            ["ServiceBusConnection"] = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
        });
        using var response = await handler.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_mapping_answers_503_with_the_marketer_message()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["Mapping:Audiences:0:AudienceId"] = "extra",
            ["Mapping:Audiences:0:Name"] = "High intent",
            ["Mapping:Audiences:0:MappingId"] = "151",
        });

        var answer = await InvokeIngestAsync(handler);
        Assert.Equal(503, answer.ResponseStatus);
        Assert.Contains(
            answer.ResponseBody.GetProperty("settings").EnumerateArray(),
            p => p.GetProperty("problem").GetString()!.Contains("Audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150.", StringComparison.Ordinal));
    }
}
