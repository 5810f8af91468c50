using System.Net;
using Microsoft.Extensions.Time.Testing;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>
/// prospectsAddToSequence, prospectsFinishAll and prospectsPauseAll: processed like prospectsBulkModify (a batch, batch
/// items, failed items with the reason), unfiltered = every prospect, and the *All actions touch every sequence.
/// </summary>
public sealed class SequenceBulkActionTests
{
    private const string Scopes = "prospects.read prospects.write batches.read batches.write sequences.read sequenceStates.read sequenceStates.write mailboxes.read";
    private const string AddToSequence = "batches/actions/prospectsAddToSequence?actionParams[skipConfirmation]=true";
    private const string Sequence1 = """{"data":{"attributes":{"sequenceId":1,"mailboxId":1}}}""";

    private readonly FakeTimeProvider _clock = SandboxTestKit.NewClock();

    private Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null) => SandboxTestKit.StartAsync(configure, _clock);

    /// <summary>Lets a minute pass: every batch of these tests has finished.</summary>
    private void Later() => _clock.Advance(TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Add_to_sequence_enrols_the_filtered_prospects_and_failed_items_carry_the_refusal()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        (await api.PatchAttributesAsync(3, """{"optedOut":true}""")).Dispose();

        using var response = await api.PostBulkAsync(
            AddToSequence + "&actionParams[filter][id][]=2&actionParams[filter][id][]=3&actionParams[filter][id][]=999", Sequence1);
        var batch = await response.ReadResourceAsync();
        Later();
        var failed = await api.GetItemsAsync($"batchItems?filter[batch][id]={batch.GetProperty("id").GetInt64()}&filter[failed]=true");

        Assert.Equal("prospectsAddToSequence", batch.GetProperty("attributes").GetProperty("action").GetString());
        Assert.Equal(3, batch.GetProperty("attributes").GetProperty("total").GetInt32());
        Assert.Equal([3L, 999L], failed.Select(item => item.GetProperty("data").GetProperty("id").GetInt64()));
        Assert.Contains("opted out", failed[0].GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Contains("Could not find 'prospect' with ID '999'", failed[1].GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Equal(new EnrolmentCountView(2, 1, 1), EnrolmentCountView.From(Assert.Single(await sandbox.GetEnrolmentsAsync())));
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal((1, 0), (counters.Sequences.EnrolmentsByBulkAction, counters.Bulk.Unfiltered));
    }

    [Fact]
    public async Task Enrolment_happens_when_the_item_is_processed_not_when_the_batch_is_created()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostBulkAsync("batches/actions/prospectsAddToSequence?actionParams[filter][id][]=2", Sequence1);
        var waiting = await sandbox.GetEnrolmentsAsync();
        var id = (await response.ReadResourceAsync()).GetProperty("id").GetInt64();
        using var confirm = await api.PostAsync($"batches/{id}/actions/confirm?actionParams[confirmedCount]=1", null);
        Later();

        Assert.Empty(waiting);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Single(await sandbox.GetEnrolmentsAsync());
    }

    [Fact]
    public async Task Add_to_sequence_without_a_filter_enrols_every_prospect_and_is_counted_as_unfiltered()
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsUnfilteredBulkActions = true;
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostBulkAsync(AddToSequence, """{"data":{"attributes":{"sequenceId":2,"mailboxId":1,"ids":[4]}}}""");
        Later();

        Assert.Equal(20, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Assert.Equal(20, (await sandbox.GetEnrolmentsAsync()).Count);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }

    [Fact]
    public async Task Disposing_the_sandbox_fails_a_test_that_enrolled_without_a_filter()
    {
        var sandbox = await StartAsync();
        using (var api = await sandbox.ConnectedApiAsync(Scopes))
        {
            (await api.PostBulkAsync(AddToSequence, Sequence1)).Dispose();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await sandbox.DisposeAsync());

        Assert.Contains("1 unfiltered bulk action(s)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_to_sequence_twice_refuses_the_second_items_and_counts_no_repeat()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        (await api.PostBulkAsync(AddToSequence + "&actionParams[filter][id][]=5", Sequence1)).Dispose();
        Later();
        using var second = await api.PostBulkAsync(AddToSequence + "&actionParams[filter][id][]=5", Sequence1);
        var id = (await second.ReadResourceAsync()).GetProperty("id").GetInt64();
        Later();

        var failed = Assert.Single(await api.GetItemsAsync($"batchItems?filter[batch][id]={id}&filter[failed]=true"));
        Assert.Contains("already active in this sequence", failed.GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Sequences.RepeatEnrolments);
    }

    [Fact]
    public async Task An_unknown_sequence_or_a_missing_mailbox_is_a_422_and_creates_no_batch()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var unknown = await api.PostBulkAsync(AddToSequence + "&actionParams[filter][id][]=2", """{"data":{"attributes":{"sequenceId":77,"mailboxId":1}}}""");
        using var noMailbox = await api.PostBulkAsync(AddToSequence + "&actionParams[filter][id][]=2", """{"data":{"attributes":{"sequenceId":1}}}""");

        Assert.Equal("/data/attributes/sequenceId", (await unknown.ReadSingleErrorAsync()).Source?.Pointer);
        Assert.Equal("/data/attributes/mailboxId", (await noMailbox.ReadSingleErrorAsync()).Source?.Pointer);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Theory]
    [InlineData("sequenceStates.write")]
    [InlineData("batches.write")]
    public async Task Add_to_sequence_needs_the_batch_and_sequence_state_scopes(string missing)
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(string.Join(' ', Scopes.Split(' ').Where(s => s != missing)));

        using var response = await api.PostBulkAsync(AddToSequence + "&actionParams[filter][id][]=2", Sequence1);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(missing, (await response.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finish_all_finishes_every_sequence_of_the_prospect_not_just_one()
    {
        await using var sandbox = await StartAsync(options => options.Sequences.OneActiveSequenceAtATime = false);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        await api.EnrolledStateIdAsync(prospect: 6, sequence: 1);
        await api.EnrolledStateIdAsync(prospect: 6, sequence: 2);
        await api.EnrolledStateIdAsync(prospect: 7, sequence: 1);

        using var response = await api.PostBulkAsync("batches/actions/prospectsFinishAll?actionParams[skipConfirmation]=true&actionParams[filter][id][]=6", "");
        Later();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["finished", "finished"], await StatesAsync(api, "filter[prospect][id]=6"));
        Assert.Equal(["active"], await StatesAsync(api, "filter[prospect][id]=7"));
    }

    [Fact]
    public async Task Pause_all_pauses_every_active_sequence_of_the_prospect()
    {
        await using var sandbox = await StartAsync(options => options.Sequences.OneActiveSequenceAtATime = false);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        await api.EnrolledStateIdAsync(prospect: 6, sequence: 1);
        await api.EnrolledStateIdAsync(prospect: 6, sequence: 2);

        (await api.PostBulkAsync("batches/actions/prospectsPauseAll?actionParams[skipConfirmation]=true&actionParams[filter][id][]=6", """{"data":{"attributes":{}}}""")).Dispose();
        Later();

        Assert.Equal(["paused", "paused"], await StatesAsync(api, "filter[prospect][id]=6"));
        Assert.Equal(2, (await sandbox.GetCountersAsync()).Sequences.StatesPaused);
    }

    private static async Task<string[]> StatesAsync(HttpClient api, string filter) =>
        [.. (await api.ReadListAsync("sequenceStates?" + filter)).Select(state => state.GetProperty("attributes").GetProperty("state").GetString() ?? "(none)")];
}
