using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>
/// The one Outreach pipeline against the sandbox over loopback HTTP: the bearer token's refresh and retry on 401, the
/// rate-limit headers of every kind of call handed to the budget, and no request without a token.
/// </summary>
public sealed class OutreachPipelineSandboxTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, FieldValue>> Qualified = [KeyValuePair.Create("custom5", FieldValue.FromString("qualified"))];

    [Fact]
    public async Task A_401_gets_exactly_one_refresh_and_one_retry_with_the_new_token()
    {
        await using var clients = await SandboxClients.StartAsync();
        var tokens = new CountingTokenProvider(first: "a-token-the-sandbox-never-issued", refreshed: clients.AccessToken);
        var reader = new OutreachProspectReader(clients.Sender(tokens), Microsoft.Extensions.Options.Options.Create(clients.Options), clients.Logs.CreateLogger<OutreachProspectReader>());

        var read = await reader.ReadAsync([4], ["firstName"], null, CancellationToken.None);

        Assert.Equal([4L], Assert.IsType<OutreachCallOutcome.Succeeded<ProspectsRead>>(read).Value.Prospects.Select(p => p.Id));
        Assert.Equal((1, 0), (tokens.Refreshes, tokens.Rejections));
        Assert.Equal([401, 200], await ApiStatusesAsync(clients));
    }

    [Fact]
    public async Task A_401_to_the_refreshed_token_marks_the_connection_and_no_third_request_is_sent()
    {
        await using var clients = await SandboxClients.StartAsync();
        await clients.Sandbox.RevokeUserAsync();
        var tokens = new CountingTokenProvider(first: clients.AccessToken, refreshed: clients.AccessToken);
        var patcher = new OutreachProspectClient(clients.Sender(tokens));

        var outcome = await patcher.PatchProspectAsync(4, Qualified, CancellationToken.None);

        Assert.Contains("freshly refreshed", Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome).Reason, StringComparison.Ordinal);
        Assert.Equal((1, 1), (tokens.Refreshes, tokens.Rejections));
        Assert.Equal([401, 401], await ApiStatusesAsync(clients));
    }

    [Fact]
    public async Task A_rejected_bulk_action_is_sent_again_with_its_body_after_the_refresh()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Bulk.ItemsPerSecond = 1_000);
        var tokens = new CountingTokenProvider(first: "a-token-the-sandbox-never-issued", refreshed: clients.AccessToken);
        var bulk = new OutreachBulkClient(clients.Sender(tokens), Microsoft.Extensions.Options.Options.Create(clients.Options), clients.Logs.CreateLogger<OutreachBulkClient>());

        var started = await bulk.ModifyAsync(new BulkProspectIds([3]), Qualified, null, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(started);
        Assert.Equal([401, 200], await ApiStatusesAsync(clients));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_token_nothing_is_sent_and_the_answer_says_why(bool throttled)
    {
        await using var clients = await SandboxClients.StartAsync();
        var retryAt = new DateTimeOffset(2026, 3, 1, 12, 0, 45, TimeSpan.Zero);
        AccessTokenOutcome none = throttled
            ? new AccessTokenOutcome.Unavailable("minting", retryAt)
            : new AccessTokenOutcome.NeedsReauthorization("invalid_grant", null);
        var sender = clients.Sender(new CountingTokenProvider(none));

        var patch = await new OutreachProspectClient(sender).PatchProspectAsync(4, Qualified, CancellationToken.None);
        var lookup = await new OutreachEmailLookup(sender, Microsoft.Extensions.Options.Options.Create(clients.Options))
            .FindAsync(["prospect4@example.test"], null, CancellationToken.None);

        foreach (var outcome in new[] { patch, lookup })
        {
            if (throttled)
            {
                Assert.Equal(retryAt, Assert.IsType<OutreachCallOutcome.Transient>(outcome).RetryAt);
            }
            else
            {
                Assert.Contains("re-authorization", Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome).Reason, StringComparison.Ordinal);
            }

            Assert.Equal(RateLimitSnapshot.None, outcome.RateLimit);
        }

        Assert.Empty(await ApiStatusesAsync(clients));
        Assert.Empty(clients.Observed.Snapshots);
    }

    [Fact]
    public async Task Every_kind_of_call_hands_its_rate_limit_headers_to_the_budget()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
        await using var clients = await SandboxClients.StartAsync(
            sandbox => sandbox.Bulk.ValidationFailureIds.Add(6), time: time);
        var bulk = clients.Bulk();
        var seen = new List<string>();
        async Task<OutreachCallOutcome> Call(string kind, Func<Task<OutreachCallOutcome>> call)
        {
            var before = clients.Observed.Snapshots.Count;
            var outcome = await call();
            Assert.True(clients.Observed.Snapshots.Count > before, $"{kind}: no rate-limit headers reached the budget");
            Assert.Equal(outcome.RateLimit, clients.Observed.Snapshots[^1]);
            Assert.NotNull(outcome.RateLimit.Remaining);
            seen.Add(kind);
            return outcome;
        }

        await Call("PATCH", () => new OutreachProspectClient(clients.Sender()).PatchProspectAsync(4, Qualified, CancellationToken.None));
        await Call("collection read", () => clients.Reader().ReadAsync([4, 5], ["custom5"], null, CancellationToken.None));
        await Call("email lookup", () => clients.EmailLookup().FindAsync(["prospect7@example.test"], null, CancellationToken.None));
        var started = await Call("bulk submit", () => bulk.ModifyAsync(new BulkProspectIds([2, 6]), Qualified, null, CancellationToken.None));
        var batchId = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(started).Value.Id;
        time.Advance(TimeSpan.FromSeconds(2));
        await Call("batch poll", () => bulk.GetBatchAsync(batchId, null, CancellationToken.None));
        await Call("batch items", () => bulk.ReadFailuresAsync(batchId, null, CancellationToken.None));

        Assert.Equal(6, seen.Count);
        var remaining = clients.Observed.Snapshots.Select(s => s.Remaining!.Value).ToList();
        Assert.Equal(remaining.OrderDescending(), remaining);
    }

    [Fact]
    public async Task Every_registered_client_sends_through_the_one_registered_pipeline()
    {
        await using var clients = await SandboxClients.StartAsync();
        var observed = new SandboxClients.RecordingObserver();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BlobServiceClient("UseDevelopmentStorage=true"));
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        services.AddOutreachClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Outreach:ApiBaseUrl"] = clients.Sandbox.ApiBaseAddress.AbsoluteUri,
            ["Outreach:ClientId"] = "client",
            ["Outreach:ClientSecret"] = "secret",
            ["Outreach:RedirectUri"] = "https://app.test/api/oauth/callback",
            ["Tokens:Store"] = "Local",
            ["Tokens:LocalStorePath"] = Path.GetTempPath(),
        }).Build());
        services.AddSingleton<IAccessTokenProvider>(clients.Tokens);
        services.AddSingleton<IRateLimitObserver>(observed);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<OutreachCallOutcome.Succeeded>(
            await provider.GetRequiredService<IOutreachProspectClient>().PatchProspectAsync(4, Qualified, CancellationToken.None));
        Assert.IsType<OutreachCallOutcome.Succeeded<ProspectsRead>>(
            await provider.GetRequiredService<IOutreachProspectReader>().ReadAsync([4], ["custom5"], null, CancellationToken.None));
        Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(
            await provider.GetRequiredService<IOutreachEmailLookup>().FindAsync(["prospect4@example.test"], null, CancellationToken.None));
        Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(
            await provider.GetRequiredService<IOutreachBulkClient>().ModifyAsync(new BulkProspectIds([4]), Qualified, null, CancellationToken.None));

        Assert.Equal(4, observed.Snapshots.Count);
        Assert.All((await clients.Sandbox.GetRequestsAsync()).Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)), r => Assert.Equal(2, r.StatusCode / 100));
    }

    private static async Task<List<int>> ApiStatusesAsync(SandboxClients clients) =>
        [.. (await clients.Sandbox.GetRequestsAsync()).Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)).Select(r => r.StatusCode)];

    /// <summary>Hands out <c>first</c>, then <c>refreshed</c> after a rejection; counts refreshes and rejections after a refresh.</summary>
    private sealed class CountingTokenProvider : IAccessTokenProvider
    {
        private readonly AccessTokenOutcome _first;
        private readonly AccessTokenOutcome _refreshed;

        public CountingTokenProvider(string first, string refreshed)
        {
            _first = Available(first);
            _refreshed = Available(refreshed);
        }

        public CountingTokenProvider(AccessTokenOutcome none) => _first = _refreshed = none;

        public int Refreshes { get; private set; }

        public int Rejections { get; private set; }

        public string ConnectionName => "sandbox";

        public ValueTask<AccessTokenOutcome> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_first);

        public ValueTask<AccessTokenOutcome> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken)
        {
            Refreshes++;
            return ValueTask.FromResult(_refreshed);
        }

        public ValueTask<AccessTokenOutcome> RejectedAfterRefreshAsync(OutreachAccessToken rejected, CancellationToken cancellationToken)
        {
            Rejections++;
            return ValueTask.FromResult<AccessTokenOutcome>(new AccessTokenOutcome.NeedsReauthorization("Outreach answered 401 to a freshly refreshed access token.", null));
        }

        private static AccessTokenOutcome.Available Available(string token) => new(new OutreachAccessToken(token, DateTimeOffset.MaxValue));
    }
}
