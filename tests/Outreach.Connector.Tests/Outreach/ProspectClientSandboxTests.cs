using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tests.Tokens;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Faults;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The prospect client's outcome mapping against the sandbox's real answers over loopback HTTP.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProspectClientSandboxTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly IReadOnlyList<KeyValuePair<string, FieldValue>> Update = [KeyValuePair.Create("custom3", FieldValue.FromString("realized"))];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    private async Task<(SandboxServer Sandbox, ConnectorInstance Instance)> ConnectedAsync(SandboxOptions? options = null, IDictionary<string, string?>? settings = null)
    {
        var sandbox = await SandboxServer.StartAsync(options, _time);
        _disposables.Add(sandbox);
        var instance = ConnectorInstance.Create(sandbox, azurite, ConnectorInstance.Deployment.Create(), _time, _logs, settings);
        _disposables.Add(instance);
        await instance.AuthorizeAsync();
        return (sandbox, instance);
    }

    [Fact]
    public async Task Unknown_prospect_is_permanent_404_resource_not_found()
    {
        var (_, instance) = await ConnectedAsync();

        var permanent = Assert.IsType<OutreachCallOutcome.Permanent>(await instance.Client.PatchProspectAsync(5_000_000, Update, CancellationToken.None));

        Assert.Equal(404, permanent.StatusCode);
        Assert.Equal("resourceNotFound", permanent.FirstError!.Id);
    }

    [Fact]
    public async Task Custom_field_missing_in_the_org_is_permanent_422_with_its_pointer()
    {
        var (_, instance) = await ConnectedAsync(new SandboxOptions { Prospects = { MissingCustomFields = { 3 } } });

        var permanent = Assert.IsType<OutreachCallOutcome.Permanent>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Equal(422, permanent.StatusCode);
        Assert.Equal("validationError", permanent.FirstError!.Id);
        Assert.Contains("custom3", permanent.FirstError.SourcePointer ?? permanent.FirstError.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forced_rate_limit_is_rate_limited_until_the_window_ends()
    {
        var (sandbox, instance) = await ConnectedAsync();
        var faults = await sandbox.SetFaultsAsync(new FaultSettings { ForcedRateLimitSeconds = 300 });

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Equal(faults.ForcedRateLimitUntil!.Value.ToUnixTimeSeconds(), limited.RetryAt.ToUnixTimeSeconds());
        Assert.Equal("rateLimitExceeded", limited.Error!.Id);
        Assert.Equal(0, limited.RateLimit.Remaining);
    }

    [Fact]
    public async Task Exhausted_hourly_limit_is_rate_limited_until_the_next_window()
    {
        var (_, instance) = await ConnectedAsync(new SandboxOptions { RateLimit = { Limit = 2 } });
        await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);
        await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), limited.RetryAt);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(502)]
    [InlineData(500)]
    public async Task Injected_server_errors_are_transient(int status)
    {
        var (sandbox, instance) = await ConnectedAsync();
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1, ServerErrorStatusCode = status });

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Equal(status, transient.StatusCode);
    }

    [Fact]
    public async Task Hanging_request_times_out_as_transient()
    {
        var (sandbox, instance) = await ConnectedAsync(settings: new Dictionary<string, string?> { ["Outreach:RequestTimeout"] = "00:00:00.500" });
        await sandbox.SetFaultsAsync(new FaultSettings { TimeoutRate = 1, TimeoutMilliseconds = 600_000 });

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Null(transient.StatusCode);
    }

    [Fact]
    public async Task Server_gone_is_transient_connection_failure()
    {
        var (sandbox, instance) = await ConnectedAsync();
        _disposables.Remove(sandbox);
        await sandbox.DisposeAsync();

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Null(transient.StatusCode);
    }

    [Theory]
    [InlineData(TimeHeaderFormat.EpochSeconds)]
    [InlineData(TimeHeaderFormat.DeltaSeconds)]
    [InlineData(TimeHeaderFormat.Iso8601)]
    [InlineData(TimeHeaderFormat.HttpDate)]
    public async Task Rate_limit_headers_are_read_in_every_format_the_sandbox_writes(TimeHeaderFormat format)
    {
        var (_, instance) = await ConnectedAsync(new SandboxOptions { RateLimit = { ResetFormat = format, CommaSeparatedRemaining = true, CommaSeparatedLimit = true } });

        var applied = Assert.IsType<OutreachCallOutcome.Succeeded>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        Assert.Equal(10_000, applied.RateLimit.Limit);
        Assert.Equal(9_999, applied.RateLimit.Remaining);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), applied.RateLimit.ResetAt);
    }

    [Fact]
    public async Task Expired_access_token_answered_401_is_refreshed_once_and_retried()
    {
        // The store still believes the token is valid (shortened sandbox lifetime): only Outreach's 401 reveals it.
        var (sandbox, instance) = await ConnectedAsync(new SandboxOptions { OAuth = { AccessTokenLifetime = TimeSpan.FromMinutes(30) } },
            new Dictionary<string, string?> { ["Tokens:AccessTokenRefreshSkew"] = "00:00:00" });
        var stored = (await instance.Store.GetAsync("default", CancellationToken.None))!;
        await instance.Store.SaveAsync("default", stored.Tokens with { AccessTokenExpiresAt = _time.GetUtcNow().AddHours(2) }, stored.Version, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(31));
        var before = (await sandbox.GetRequestsAsync()).Count;

        var outcome = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Succeeded>(outcome);
        var requests = (await sandbox.GetRequestsAsync()).Skip(before).Select(r => (r.Method, r.Path.Split('?')[0], r.StatusCode)).ToArray();
        Assert.Equal([("PATCH", "/api/v2/prospects/7", 401), ("POST", "/oauth/token", 200), ("PATCH", "/api/v2/prospects/7", 200)], requests);
    }
}
