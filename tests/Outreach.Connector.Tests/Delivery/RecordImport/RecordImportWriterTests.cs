using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Tests.Delivery.Bulk;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Tests.Delivery.RecordImport;

/// <summary>
/// Per-record bulk writes in the set-fields operation, on real stores in Azurite and a fake Outreach whose imports land
/// (or not) when they are read: what goes in an import, what the read-back confirms, and what auto mode learns.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RecordImportWriterTests(AzuriteFixture azurite)
{
    private SetFieldsHarness Harness(string mode, Action<PerRecordBulkOptions>? configure = null) =>
        new(azurite, imports: options =>
        {
            options.PerRecordBulk = mode;
            configure?.Invoke(options);
        });

    // Each prospect gets its own title: no change is shared, so without imports each costs one PATCH.
    private static DeliveryMessage Title(long prospect, int minute) =>
        Message($"m{prospect}-{minute}", Update(prospect, minute, ("title", Change("Title " + prospect, minute))));

    private static string Hash(string value) => FieldVersion.HashOf(FieldValue.FromString(value));

    [Fact]
    public async Task With_imports_on_prospects_with_different_values_go_in_one_import_each_record_carrying_only_its_fields_and_are_verified_by_read_back()
    {
        var harness = Harness("on");

        var result = await harness.RunAsync([.. Enumerable.Range(1, 6).Select(id => Title(id, 1))]);

        var import = Assert.Single(harness.Imports.Sent);
        Assert.Equal([1L, 2, 3, 4, 5, 6], import.Select(r => r.ProspectId));
        Assert.All(import, r => Assert.Equal("title", Assert.Single(r.Attributes).Key));
        Assert.Empty(harness.Patched);
        Assert.All(result.Completed, c => Assert.True(c.Written));
        Assert.Equal(6, result.Completed.Count);
        for (var id = 1L; id <= 6; id++)
        {
            Assert.Equal(Hash("Title " + id), (await harness.RecordedAsync(id))["title"]);
        }

        Assert.Equal((1, 6, 6), (result.Counts[Names.ImportCalls], result.Counts[Names.ImportRecords], result.Counts[Names.ImportApplied]));
        Assert.Single(harness.Outreach.Reads);
    }

    [Fact]
    public async Task A_prospect_whose_record_did_not_land_goes_on_by_patch_and_nothing_is_recorded_for_it()
    {
        var harness = Harness("on");
        harness.Imports.FailingRecords.Add(2);

        var result = await harness.RunAsync(Title(1, 1), Title(2, 1), Title(3, 1), Title(4, 1));

        Assert.Equal(["title"], harness.Patched[2]);
        Assert.Equal([1L, 3, 4], result.Completed.Select(c => c.Group.ProspectId).Order());
        Assert.DoesNotContain("title", await harness.RecordedAsync(2));
        Assert.Equal(1, result.Counts[Names.ImportFellBack]);
    }

    [Fact]
    public async Task An_import_that_applies_nothing_sends_its_group_by_patch_and_records_no_version()
    {
        var harness = Harness("on");
        harness.Imports.ApplyNothing = true;

        var result = await harness.RunAsync(Title(1, 1), Title(2, 1), Title(3, 1), Title(4, 1));

        Assert.Equal([1L, 2, 3, 4], harness.Patched.Keys.Order());
        Assert.Empty(result.Completed);
        Assert.Empty(await harness.RecordedAsync(1));
        Assert.Equal(1, result.Counts[Names.ImportsAppliedNothing]);
    }

    [Fact]
    public async Task Auto_mode_first_sends_a_small_trial_and_uses_imports_for_whole_batches_once_it_is_confirmed()
    {
        var harness = Harness("auto", o => o.PerRecordBulkTrialSize = 2);

        await harness.RunAsync([.. Enumerable.Range(1, 5).Select(id => Title(id, 1))]);
        Assert.Equal(2, Assert.Single(harness.Imports.Sent).Count);
        Assert.Equal([3L, 4, 5], harness.Patched.Keys.Order());
        Assert.Equal(PerRecordBulkPhase.Confirmed, (await harness.ImportState.ReadAsync(CancellationToken.None))!.Phase);

        await harness.RunAsync([.. Enumerable.Range(11, 5).Select(id => Title(id, 2))]);
        Assert.Equal(5, harness.Imports.Sent[1].Count);
    }

    [Fact]
    public async Task Auto_mode_turns_itself_off_after_the_configured_unconfirmed_imports_in_a_row_and_says_why()
    {
        var harness = Harness("auto", o => (o.PerRecordBulkTrialSize, o.PerRecordBulkMaxUnconfirmed, o.PerRecordBulkMinGroupSize) = (2, 3, 2));
        harness.Imports.ApplyNothing = true;

        for (var batch = 0; batch < 4; batch++)
        {
            await harness.RunAsync(Title(100 + batch, batch + 1), Title(200 + batch, batch + 1));
        }

        Assert.Equal(3, harness.Imports.Sent.Count);
        var state = await harness.ImportState.ReadAsync(CancellationToken.None);
        Assert.Equal(PerRecordBulkPhase.Off, state!.Phase);
        Assert.Contains("none of its 2 records was applied", state.Describe(), StringComparison.Ordinal);
        Assert.Equal(8, harness.Patched.Count);
    }

    [Fact]
    public async Task An_import_given_up_is_written_by_patch_and_holds_later_writes_of_its_fields_until_Outreach_says_it_finished()
    {
        var harness = Harness("on");
        harness.Imports.Running = true;

        var first = await harness.RunAsync([.. Enumerable.Range(1, 4).Select(id => Title(id, 1))]);
        Assert.Equal(1, first.Counts[Names.ImportsStalled]);
        Assert.Equal([1L, 2, 3, 4], harness.Patched.Keys.Order());

        // A newer title while the import, which cannot be cancelled, may still apply the old one: it waits.
        harness.Patched.Clear();
        var newer = Message("m1-2", Update(1, 2, ("title", Change("Head of Sales", 2))));
        var second = await harness.RunAsync(newer);
        Assert.Equal(1, Assert.Single(second.Deferred).Group.ProspectId);
        Assert.Empty(harness.Patched);

        // Once Outreach says the import finished, the newer title goes.
        harness.Imports.Running = false;
        var third = await harness.RunAsync(newer);
        Assert.Empty(third.Deferred);
        Assert.Equal([1L], harness.Patched.Keys);
    }

    [Fact]
    public async Task Fewer_prospects_than_an_import_saves_requests_for_go_by_patch_without_an_import()
    {
        var harness = Harness("on");

        await harness.RunAsync(Title(1, 1), Title(2, 1), Title(3, 1));

        Assert.Empty(harness.Imports.Sent);
        Assert.Equal([1L, 2, 3], harness.Patched.Keys.Order());
    }

    [Fact]
    public async Task A_batch_larger_than_one_import_is_split_into_even_groups_so_none_is_too_small_to_pay()
    {
        var harness = Harness("on", o => o.PerRecordBulkGroupSize = 10);

        await harness.RunAsync([.. Enumerable.Range(1, 11).Select(id => Title(id, 1))]);

        Assert.Equal([5, 6], harness.Imports.Sent.Select(records => records.Count).Order());
        Assert.Empty(harness.Patched);
    }

    [Fact]
    public void A_minimum_group_above_the_group_size_is_one_line_naming_both_settings()
    {
        var result = new PerRecordBulkOptionsValidator().Validate(null, new PerRecordBulkOptions { PerRecordBulkGroupSize = 3, PerRecordBulkMinGroupSize = 4 });

        Assert.Equal("Delivery__PerRecordBulkMinGroupSize must be between 1 and Delivery__PerRecordBulkGroupSize.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void A_bad_mode_is_one_line_naming_the_setting()
    {
        var result = new PerRecordBulkOptionsValidator().Validate(null, new PerRecordBulkOptions { PerRecordBulk = "maybe" });

        Assert.Equal("Delivery__PerRecordBulk must be auto, on or off (it is 'maybe').", Assert.Single(result.Failures!));
    }
}
