using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Delivery;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

/// <summary>The transitions of the one connection state: the shared store's status plus this instance's hold.</summary>
public sealed class ConnectionStateTests
{
    private const string Connection = "default";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryTokenStore _store = new();

    private ConnectionState CreateState() => new(
        Connection, _store, Options.Create(new TokenOptions { Store = TokenStoreKind.Local, ConnectionPollInterval = Poll }), _time, NullLogger<ConnectionState>.Instance);

    private void Store(ConnectionStatus status, DateTimeOffset changedAt, string reason = "invalid_grant (HTTP 400)") =>
        _store.Seed(Connection, new ConnectionTokens(status, "rt", Start.AddDays(-1), null, null, null, null) { StatusReason = reason, StatusChangedAt = changedAt });

    private int Reads => _store.Journal.Count(j => j == "get");

    [Fact]
    public async Task Connected_store_is_not_paused()
    {
        Store(ConnectionStatus.Connected, Start.AddHours(-1), "authorized");
        var state = CreateState();

        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.False(state.IsPaused);
        Assert.Null(state.Status);
        Assert.False(state.HoldsNow(out _));
    }

    [Fact]
    public async Task Needs_reauthorization_in_the_store_pauses_every_instance_that_reads_it()
    {
        var first = CreateState();
        var second = CreateState();
        Store(ConnectionStatus.NeedsReauthorization, Start.AddMinutes(-1));

        await first.RefreshIfDueAsync(CancellationToken.None);
        await second.RefreshIfDueAsync(CancellationToken.None);

        var expected = new PauseStatus(Start.AddMinutes(-1), "invalid_grant (HTTP 400)", Start + Poll);
        Assert.Equal(expected, first.Status);
        Assert.Equal(expected, second.Status);
    }

    [Fact]
    public async Task Nothing_stored_is_paused_as_not_connected()
    {
        var state = CreateState();

        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.True(state.IsPaused);
        Assert.Equal("No authorization stored.", state.Status!.Reason);
    }

    [Fact]
    public async Task The_store_is_read_at_most_once_per_poll_interval()
    {
        Store(ConnectionStatus.Connected, Start, "authorized");
        var state = CreateState();

        await state.RefreshIfDueAsync(CancellationToken.None);
        _time.Advance(Poll - TimeSpan.FromMilliseconds(1));
        await state.RefreshIfDueAsync(CancellationToken.None);
        var withinInterval = Reads;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.Equal((1, 2), (withinInterval, Reads));
    }

    [Fact]
    public async Task A_revocation_found_by_another_instance_is_seen_at_the_next_poll()
    {
        Store(ConnectionStatus.Connected, Start.AddHours(-1), "authorized");
        var state = CreateState();
        await state.RefreshIfDueAsync(CancellationToken.None);

        Store(ConnectionStatus.NeedsReauthorization, Start.AddSeconds(1));
        await state.RefreshIfDueAsync(CancellationToken.None);
        var beforePoll = state.IsPaused;
        _time.Advance(Poll);
        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.False(beforePoll);
        Assert.True(state.IsPaused);
    }

    [Fact]
    public void A_hold_holds_until_its_probe_time_and_a_success_ends_it()
    {
        var state = CreateState();

        var status = state.Pause("Outreach refused the app's credentials", Start.AddMinutes(15));
        var heldNow = state.HoldsNow(out var probeAt);
        _time.Advance(TimeSpan.FromMinutes(15));
        var heldAtProbe = state.HoldsNow(out _);
        state.Resume();

        Assert.Equal(new PauseStatus(Start, "Outreach refused the app's credentials", Start.AddMinutes(15)), status);
        Assert.Equal((true, Start.AddMinutes(15)), (heldNow, probeAt));
        Assert.False(heldAtProbe);
        Assert.False(state.IsPaused);
    }

    [Fact]
    public async Task A_hold_keeps_the_start_of_the_pause_the_store_recorded()
    {
        Store(ConnectionStatus.NeedsReauthorization, Start.AddMinutes(-3));
        var state = CreateState();
        await state.RefreshIfDueAsync(CancellationToken.None);

        var status = state.Pause("needs re-authorization", Start.AddMinutes(15));

        Assert.Equal(Start.AddMinutes(-3), status.Since);
    }

    [Fact]
    public async Task A_reauthorization_on_another_instance_ends_the_hold_at_the_next_poll()
    {
        Store(ConnectionStatus.NeedsReauthorization, Start.AddMinutes(-3));
        var state = CreateState();
        await state.RefreshIfDueAsync(CancellationToken.None);
        state.Pause("needs re-authorization", Start.AddMinutes(15));

        _time.Advance(TimeSpan.FromSeconds(5));
        Store(ConnectionStatus.Connected, _time.GetUtcNow(), "authorized");
        _time.Advance(Poll);
        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.False(state.IsPaused);
        Assert.False(state.HoldsNow(out _));
    }

    [Fact]
    public async Task An_authorization_older_than_the_hold_does_not_end_it()
    {
        Store(ConnectionStatus.Connected, Start.AddHours(-1), "authorized");
        var state = CreateState();
        state.Pause("Outreach refused the app's credentials", Start.AddMinutes(15));

        await state.RefreshIfDueAsync(CancellationToken.None);

        Assert.True(state.HoldsNow(out _));
    }

    [Fact]
    public async Task Status_report_comes_from_the_store_and_updates_the_state()
    {
        Store(ConnectionStatus.NeedsReauthorization, Start.AddMinutes(-1));
        var state = CreateState();

        var report = await state.GetStatusAsync(CancellationToken.None);

        Assert.Equal((ConnectionStatus.NeedsReauthorization, "invalid_grant (HTTP 400)"), (report.Status, report.Reason));
        Assert.True(report.NeedsAuthorization);
        Assert.True(state.IsPaused);
    }
}
