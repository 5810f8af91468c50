using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Tokens;
using Outreach.Testing;
using OutreachFunctions.Functions.Connect;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// When the connector's storage is down (refused) or slow (accepts and never answers), no function answers 500: the status
// document and the status page's data degrade per section, Connect and the rest answer 503 JSON with the reason, and a
// slow source is cut off by its budget (DependencyRead) instead of being waited for.
public sealed class DependencyDownTests
{
    // Port 9 on loopback: nothing listens, so every storage call is refused.
    private static string Storage(int port) => "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    private static Task<FunctionsHandler> StartAsync(string storage) =>
        FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["ConnectorStorage"] = storage }, services =>
        {
            // The token store answers (Key Vault in Azure); only Table and Blob storage are down.
            services.AddSingleton<ITokenStore>(new InMemoryTokenStore());
            services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
        });

    private static async Task<HttpFunctionAnswer> InvokeAsync(FunctionsHandler handler, string function, string path)
    {
        using var response = await handler.InvokeAsync(function, HostEnvelope.HttpGet(path, methodName: function));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HttpFunctionAnswer.ReadAsync(response);
    }

    [Fact]
    public async Task Status_with_storage_refused_shows_the_failing_sections_as_errors_and_the_rest()
    {
        await using var handler = await StartAsync(Storage(9));

        var answer = await InvokeAsync(handler, StatusFunction.Name, "/api/status/connection");

        Assert.Equal(200, answer.StatusCode);
        var status = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("NotConnected", status.GetProperty("connection").GetProperty("status").GetString());
        // Refused at once, then the SDK's back-off: either "could not be read" or "did not answer within 2 s".
        Assert.StartsWith("the request budget table ", status.GetProperty("budget").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(status.GetProperty("budget").TryGetProperty("used", out _));
        Assert.True(status.GetProperty("counters").TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Status_with_storage_that_never_answers_cuts_each_section_off_at_its_budget()
    {
        using var silent = new SilentListener();
        await using var handler = await StartAsync(Storage(silent.Port));

        var answer = await InvokeAsync(handler, StatusFunction.Name, "/api/status/connection");

        Assert.Equal(200, answer.StatusCode);
        var status = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("the request budget table did not answer within 2 s.", status.GetProperty("budget").GetProperty("error").GetString());
        Assert.Equal("the counters table did not answer within 2 s.", status.GetProperty("counters").GetProperty("error").GetString());
        Assert.Equal("NotConnected", status.GetProperty("connection").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_data_with_storage_refused_names_the_empty_sections_and_reports_health()
    {
        await using var handler = await StartAsync(Storage(9));

        var answer = await InvokeAsync(handler, MonitoringFunctions.StatusData, "/api/status/data");

        Assert.Equal(200, answer.StatusCode);
        var status = JsonSerializer.Deserialize(answer.Body, MonitoringJsonContext.Default.ConnectorStatus)!;
        Assert.Equal(["delivery", "failures", "runs"], status.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(24, status.Runs.Count);
        Assert.Contains(status.Health.Reasons, reason => reason.Code == StorageFailure.UnreachableCode);
    }

    [Fact]
    public async Task Health_with_storage_that_never_answers_is_degraded_after_its_budget()
    {
        using var silent = new SilentListener();
        await using var handler = await StartAsync(Storage(silent.Port));

        var answer = await InvokeAsync(handler, MonitoringFunctions.Health, "/api/health");

        Assert.Equal(503, answer.StatusCode);
        var report = JsonSerializer.Deserialize(answer.Body, MonitoringJsonContext.Default.HealthReport)!;
        var reason = Assert.Single(report.Reasons, r => r.Code == StorageFailure.UnreachableCode);
        Assert.Contains("did not answer within 2 s", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_with_storage_refused_answers_503_json_with_the_reason()
    {
        await using var handler = await StartAsync(Storage(9));

        var answer = await InvokeAsync(handler, ConnectFunction.Name, "/api/oauth/connect");

        Assert.Equal(503, answer.StatusCode);
        Assert.StartsWith("application/json", answer.Headers["Content-Type"], StringComparison.Ordinal);
        var error = JsonDocument.Parse(answer.Body).RootElement.GetProperty("error");
        Assert.Equal(HttpFunction.DependencyUnavailableCode, error.GetProperty("code").GetString());
        Assert.Contains("storage is unavailable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_without_its_own_handling_answers_503_json_when_storage_is_refused()
    {
        await using var handler = await StartAsync(Storage(9));

        // Replay's listOnly reads the failure ledger and has no storage handling of its own: the runner's policy answers.
        using var response = await handler.InvokeAsync(
            MonitoringFunctions.Replay, HostEnvelope.Http("POST", "/api/ops/replay", new Dictionary<string, string> { ["listOnly"] = "true" }, MonitoringFunctions.Replay));
        var answer = await HttpFunctionAnswer.ReadAsync(response);

        Assert.Equal(503, answer.StatusCode);
        var error = JsonDocument.Parse(answer.Body).RootElement.GetProperty("error");
        Assert.Equal(HttpFunction.DependencyUnavailableCode, error.GetProperty("code").GetString());
        Assert.Contains("RequestFailedException", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    // Accepts connections and never answers: storage that is up but hangs.
    private sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentListener()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(socket => socket.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
