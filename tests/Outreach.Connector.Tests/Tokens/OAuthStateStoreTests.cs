using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

[Collection(AzuriteCollection.Name)]
public sealed class OAuthStateStoreTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private readonly TableClient _table = new(azurite.ConnectionString, AzuriteFixture.UniqueName("states"));

    private OAuthStateStore CreateStore() =>
        new(_table, Options.Create(new TokenOptions { Store = TokenStoreKind.Local }), _time, _logs.CreateLogger<OAuthStateStore>());

    [Fact]
    public async Task State_is_32_random_bytes_in_base64url()
    {
        var store = CreateStore();

        var first = await store.CreateAsync("default", CancellationToken.None);
        var second = await store.CreateAsync("default", CancellationToken.None);

        Assert.Equal(43, first.Value.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first.Value);
        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(_time.GetUtcNow().AddMinutes(10), first.ExpiresAt);
    }

    [Fact]
    public async Task State_is_valid_once_and_names_its_connection()
    {
        var store = CreateStore();
        var state = await store.CreateAsync("default", CancellationToken.None);

        var first = await store.ConsumeAsync(state.Value, CancellationToken.None);
        var replay = await store.ConsumeAsync(state.Value, CancellationToken.None);

        Assert.Equal("default", Assert.IsType<OAuthStateCheck.Valid>(first).ConnectionName);
        Assert.Equal(OAuthStateProblem.Unknown, Assert.IsType<OAuthStateCheck.Refused>(replay).Problem);
    }

    [Fact]
    public async Task State_works_across_instances_sharing_the_table()
    {
        var state = await CreateStore().CreateAsync("default", CancellationToken.None);

        Assert.IsType<OAuthStateCheck.Valid>(await CreateStore().ConsumeAsync(state.Value, CancellationToken.None));
    }

    [Fact]
    public async Task Expired_state_is_refused()
    {
        var store = CreateStore();
        var state = await store.CreateAsync("default", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(OAuthStateProblem.Expired, Assert.IsType<OAuthStateCheck.Refused>(await store.ConsumeAsync(state.Value, CancellationToken.None)).Problem);
    }

    [Theory]
    [InlineData(null, OAuthStateProblem.Malformed)]
    [InlineData("", OAuthStateProblem.Malformed)]
    [InlineData("forged-state-value", OAuthStateProblem.Unknown)]
    public async Task Missing_or_forged_state_is_refused(string? state, OAuthStateProblem problem)
    {
        Assert.Equal(problem, Assert.IsType<OAuthStateCheck.Refused>(await CreateStore().ConsumeAsync(state, CancellationToken.None)).Problem);
    }

    [Fact]
    public async Task Concurrent_callbacks_with_one_state_let_exactly_one_through()
    {
        var store = CreateStore();
        var state = await store.CreateAsync("default", CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => CreateStore().ConsumeAsync(state.Value, CancellationToken.None)));

        Assert.Single(results.OfType<OAuthStateCheck.Valid>());
    }

    [Fact]
    public async Task Table_keeps_a_hash_not_the_state_and_logs_never_show_it()
    {
        var state = await CreateStore().CreateAsync("default", CancellationToken.None);

        await foreach (var entity in _table.QueryAsync<TableEntity>())
        {
            Assert.DoesNotContain(((IDictionary<string, object>)entity).Values, v => v?.ToString()?.Contains(state.Value, StringComparison.Ordinal) == true);
            Assert.NotEqual(state.Value, entity.RowKey);
        }

        Assert.DoesNotContain(state.Value, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(state.Value, state.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuing_a_state_purges_expired_ones()
    {
        var store = CreateStore();
        await store.CreateAsync("default", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(11));

        await store.CreateAsync("default", CancellationToken.None);

        var count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>())
        {
            count++;
        }

        Assert.Equal(1, count);
    }
}
