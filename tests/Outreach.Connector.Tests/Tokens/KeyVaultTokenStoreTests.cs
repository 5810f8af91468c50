using System.Diagnostics.Tracing;
using Azure;
using Azure.Core.Diagnostics;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;
using Outreach.Testing;
using Outreach.Testing.KeyVaultFake;

namespace Outreach.Connector.Tests.Tokens;

/// <summary>The Key Vault token store with the real SecretClient against the Key Vault REST fake over HTTPS on loopback.</summary>
public sealed class KeyVaultTokenStoreTests : IAsyncLifetime
{
    private const string BearerToken = "fake-entra-token-for-key-vault";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTokenCredential _credential = new(BearerToken);
    private readonly LogCapture _logs = new();
    private KeyVaultFakeServer _vault = null!;
    private SecretClient _client = null!;
    private AzureEventSourceListener _sdkLogs = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultFakeServer.StartAsync(BearerToken);
        _client = _vault.CreateSecretClient(_credential);
        _sdkLogs = new AzureEventSourceListener(
            (e, message) => _logs.Add(new LogEntry("Azure.Core", LogLevel.Debug, e.EventId, message, "", null)),
            EventLevel.Verbose);
    }

    public async Task DisposeAsync()
    {
        _sdkLogs.Dispose();
        await _vault.DisposeAsync();
    }

    private KeyVaultTokenStore CreateStore() =>
        new(_client, Options.Create(new TokenOptions { KeyVaultUri = _vault.VaultUri }), _logs.CreateLogger<KeyVaultTokenStore>());

    private static ConnectionTokens Tokens(string refresh = "rt-value-1", string? access = "at-value-1") => new(
        ConnectionStatus.Connected,
        refresh,
        Now.AddMinutes(-5),
        access,
        access is null ? null : Now.AddMinutes(-5),
        access is null ? null : Now.AddHours(2),
        "prospects.read prospects.write")
    {
        StatusReason = "authorized",
        StatusChangedAt = Now.AddDays(-1),
    };

    [Fact]
    public async Task Secret_client_sets_and_gets_a_secret_through_the_fake()
    {
        var secret = new KeyVaultSecret("plain-secret", "value-1");
        secret.Properties.Tags["kind"] = "test";
        secret.Properties.ContentType = "text/plain";

        var set = await _client.SetSecretAsync(secret);
        var got = await _client.GetSecretAsync("plain-secret");

        Assert.Equal("value-1", got.Value.Value);
        Assert.Equal("test", got.Value.Properties.Tags["kind"]);
        Assert.Equal("text/plain", got.Value.Properties.ContentType);
        Assert.Equal(set.Value.Properties.Version, got.Value.Properties.Version);
        Assert.Equal(_vault.VaultUri, got.Value.Properties.VaultUri);
        Assert.True(got.Value.Properties.Enabled);
    }

    [Fact]
    public async Task Every_set_adds_a_version_and_old_versions_stay_readable()
    {
        var first = await _client.SetSecretAsync("rotating", "one");
        var second = await _client.SetSecretAsync("rotating", "two");

        Assert.NotEqual(first.Value.Properties.Version, second.Value.Properties.Version);
        Assert.Equal("two", (await _client.GetSecretAsync("rotating")).Value.Value);
        Assert.Equal("one", (await _client.GetSecretAsync("rotating", first.Value.Properties.Version)).Value.Value);
        Assert.Equal(2, _vault.Versions("rotating").Count);
        var listed = new List<string>();
        await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync("rotating"))
        {
            listed.Add(properties.Version);
        }

        Assert.Equal([first.Value.Properties.Version, second.Value.Properties.Version], listed);
    }

    [Fact]
    public async Task Missing_secret_is_404_secret_not_found()
    {
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync("nothing-here"));

        Assert.Equal(404, failure.Status);
        Assert.Equal("SecretNotFound", failure.ErrorCode);
    }

    [Fact]
    public async Task Client_answers_the_bearer_challenge_and_then_sends_the_credentials_token()
    {
        await _client.SetSecretAsync("challenged", "v");
        await _client.GetSecretAsync("challenged");

        var requests = _vault.Requests;
        Assert.Equal(KeyVaultFakeAuthorization.None, requests[0].Authorization);
        Assert.Equal(401, requests[0].StatusCode);
        Assert.All(requests.Skip(1), r => Assert.Equal(KeyVaultFakeAuthorization.Accepted, r.Authorization));
        Assert.All(requests, r => Assert.False(string.IsNullOrEmpty(r.ApiVersion)));
        var tokenRequest = Assert.Single(_credential.Requests.DistinctBy(r => string.Join(' ', r.Scopes)));
        Assert.Equal(["https://vault.azure.net/.default"], tokenRequest.Scopes);
        Assert.Equal(KeyVaultFakeServer.TenantId, tokenRequest.TenantId);
    }

    [Fact]
    public async Task Fake_rejects_a_token_it_did_not_issue()
    {
        var stranger = _vault.CreateSecretClient(new FakeTokenCredential("someone-elses-token"));

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => stranger.GetSecretAsync("anything"));

        Assert.Equal(401, failure.Status);
        Assert.Contains(_vault.Requests, r => r.Authorization == KeyVaultFakeAuthorization.Rejected);
    }

    [Fact]
    public async Task Store_reads_nothing_for_a_connection_never_saved()
    {
        Assert.Null(await CreateStore().GetAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Store_round_trips_tokens_with_the_refresh_token_as_value_and_metadata_in_tags()
    {
        var store = CreateStore();

        var write = await store.SaveAsync("default", Tokens(), expectedVersion: null, CancellationToken.None);
        var read = await store.GetAsync("default", CancellationToken.None);

        Assert.True(write.Saved);
        Assert.Equal(write.Version, read!.Version);
        Assert.Equal(Tokens(), read.Tokens);
        var secret = (await _client.GetSecretAsync("outreach-connection-default")).Value;
        Assert.Equal("rt-value-1", secret.Value);
        Assert.Equal("Connected", secret.Properties.Tags["status"]);
        Assert.Equal("prospects.read prospects.write", secret.Properties.Tags["scope"]);
        Assert.Equal(Now.AddMinutes(-5), DateTimeOffset.Parse(secret.Properties.Tags["refresh-issued-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Now.AddMinutes(-5).AddDays(14), DateTimeOffset.Parse(secret.Properties.Tags["refresh-expires-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Now.AddHours(2), DateTimeOffset.Parse(secret.Properties.Tags["access-expires-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(secret.Properties.Tags.Values, v => v.Contains("value-1", StringComparison.Ordinal));
        Assert.Equal("at-value-1", (await _client.GetSecretAsync("outreach-connection-default-access")).Value.Value);
    }

    [Fact]
    public async Task Store_keeps_every_rotated_refresh_token_as_a_secret_version()
    {
        var store = CreateStore();
        var first = await store.SaveAsync("default", Tokens("rt-a", "at-a"), null, CancellationToken.None);
        var second = await store.SaveAsync("default", Tokens("rt-b", "at-b"), first.Version, CancellationToken.None);

        Assert.Equal("rt-b", (await store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken);
        Assert.Equal(["rt-a", "rt-b"], _vault.Versions("outreach-connection-default").Select(v => v.Value));
        Assert.NotEqual(first.Version, second.Version);
    }

    [Fact]
    public async Task Store_refuses_a_save_based_on_an_old_version()
    {
        var store = CreateStore();
        var first = await store.SaveAsync("default", Tokens("rt-a"), null, CancellationToken.None);
        await store.SaveAsync("default", Tokens("rt-b"), first.Version, CancellationToken.None);

        var stale = await store.SaveAsync("default", Tokens("rt-c"), first.Version, CancellationToken.None);
        var missing = await store.SaveAsync("default", Tokens("rt-d"), null, CancellationToken.None);

        Assert.False(stale.Saved);
        Assert.False(missing.Saved);
        Assert.Equal("rt-b", (await store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Store_round_trips_needs_reauthorization_without_an_access_token()
    {
        var store = CreateStore();
        var first = await store.SaveAsync("default", Tokens(), null, CancellationToken.None);
        var marked = Tokens().AsNeedingReauthorization("invalid_grant (HTTP 400)", Now);

        await store.SaveAsync("default", marked, first.Version, CancellationToken.None);
        var read = (await store.GetAsync("default", CancellationToken.None))!.Tokens;

        Assert.Equal(ConnectionStatus.NeedsReauthorization, read.Status);
        Assert.Equal("invalid_grant (HTTP 400)", read.StatusReason);
        Assert.Equal(Now, read.StatusChangedAt);
        Assert.Null(read.AccessToken);
        Assert.Equal("NeedsReauthorization", (await _client.GetSecretAsync("outreach-connection-default")).Value.Properties.Tags["status"]);
    }

    [Fact]
    public async Task Access_secret_from_an_interrupted_write_is_ignored()
    {
        var store = CreateStore();
        await store.SaveAsync("default", Tokens(access: "at-committed"), null, CancellationToken.None);

        // A writer crashed after writing its access token but before the refresh secret that would name it.
        var orphan = new KeyVaultSecret("outreach-connection-default-access", "at-orphan");
        orphan.Properties.Tags["access-id"] = "someone-else";
        await _client.SetSecretAsync(orphan);

        var read = (await store.GetAsync("default", CancellationToken.None))!.Tokens;
        Assert.Null(read.AccessToken);
        Assert.Null(read.AccessTokenExpiresAt);
        Assert.Equal("rt-value-1", read.RefreshToken);
    }

    [Fact]
    public async Task Secret_values_never_appear_in_captured_logs()
    {
        var store = CreateStore();
        var first = await store.SaveAsync("default", Tokens("rt-NEVER-LOG-1", "at-NEVER-LOG-2"), null, CancellationToken.None);
        await store.GetAsync("default", CancellationToken.None);
        await store.SaveAsync("default", Tokens("rt-NEVER-LOG-3", null), "wrong-version", CancellationToken.None);
        await store.SaveAsync("default", Tokens("rt-NEVER-LOG-3", null), first.Version, CancellationToken.None);

        Assert.Contains(_logs.Entries, e => e.Category == "Azure.Core");
        Assert.Contains(_logs.Entries, e => e.Category.Contains(nameof(KeyVaultTokenStore), StringComparison.Ordinal));
        Assert.DoesNotContain("NEVER-LOG", _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(BearerToken, _logs.AllText, StringComparison.Ordinal);
    }
}
