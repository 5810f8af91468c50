using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The bulk client against the sandbox: every body shape, batch polling, failed items, scopes, cost, safety.</summary>
public sealed class BulkClientSandboxTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, FieldValue>> Qualified = [KeyValuePair.Create("custom5", FieldValue.FromString("qualified"))];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(BulkBodyShape.Attributes)]
    [InlineData(BulkBodyShape.FieldNameValue)]
    [InlineData(BulkBodyShape.FieldValue)]
    public async Task Each_body_shape_changes_exactly_the_selected_prospects_once_the_batch_finishes(BulkBodyShape shape)
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Bulk.ItemsPerSecond = 1, client => client.BulkBodyShape = shape, time: _time);
        var bulk = clients.Bulk();

        var started = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(await bulk.ModifyAsync(new BulkProspectIds([3, 5, 7]), Qualified, null, CancellationToken.None));
        var running = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(await bulk.GetBatchAsync(started.Value.Id, null, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(3));
        var finished = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(await bulk.GetBatchAsync(started.Value.Id, null, CancellationToken.None));

        Assert.False(running.Value.IsFinished);
        Assert.Equal(3, running.Value.Total);
        Assert.True(finished.Value.IsFinished);
        Assert.Equal(0, finished.Value.Failures);
        foreach (var id in new long[] { 3, 5, 7 })
        {
            Assert.Equal("qualified", (await clients.Sandbox.GetProspectAttributesAsync(id))!.Value.GetProperty("custom5").GetString());
        }

        Assert.False((await clients.Sandbox.GetProspectAttributesAsync(4))!.Value.TryGetProperty("custom5", out _));
        var counters = (await clients.Sandbox.GetCountersAsync()).Bulk;
        Assert.Equal(1, counters.Calls);
        Assert.Equal(0, counters.Unfiltered);
        Assert.Equal(0, counters.WithoutQueryFilter);
    }

    [Fact]
    public async Task Failed_items_name_their_prospects()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Bulk.ValidationFailureIds.Add(6), time: _time);
        var bulk = clients.Bulk();

        var started = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(await bulk.ModifyAsync(new BulkProspectIds([2, 6, 9_999]), Qualified, null, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        var finished = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(await bulk.GetBatchAsync(started.Value.Id, null, CancellationToken.None));
        var failures = Assert.IsType<OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>>>(await bulk.ReadFailuresAsync(started.Value.Id, null, CancellationToken.None)).Value.Items;

        Assert.True(finished.Value.IsFinished);
        Assert.Equal(2, finished.Value.Failures);
        Assert.Equal([6L, 9_999L], failures.Select(f => f.ProspectId!.Value).Order());
        Assert.Contains(failures, f => f.Info!.Contains("Could not find", StringComparison.Ordinal));
        Assert.Equal("qualified", (await clients.Sandbox.GetProspectAttributesAsync(2))!.Value.GetProperty("custom5").GetString());
    }

    [Fact]
    public async Task Without_the_batch_scopes_the_bulk_endpoint_is_a_permanent_403_and_nothing_changes()
    {
        await using var clients = await SandboxClients.StartAsync(scope: "prospects.read prospects.write");

        var failed = await clients.Bulk().ModifyAsync(new BulkProspectIds([1]), Qualified, null, CancellationToken.None);

        Assert.True(Assert.IsType<OutreachCallOutcome.Permanent>(failed).IsMissingScope);
        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Fact]
    public async Task A_per_item_cost_shows_in_the_remaining_header()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Bulk.RateLimitCost = BulkRateLimitCost.PerItem);

        var started = Assert.IsType<OutreachCallOutcome.Succeeded<BatchStatus>>(
            await clients.Bulk().ModifyAsync(new BulkProspectIds(Enumerable.Range(1, 10).Select(id => (long)id)), Qualified, null, CancellationToken.None));

        Assert.Equal(10_000 - 10, started.RateLimit.Remaining);
    }

    [Fact]
    public async Task Changes_a_single_field_shape_cannot_carry_are_not_sent()
    {
        await using var clients = await SandboxClients.StartAsync(client: client => client.BulkBodyShape = BulkBodyShape.FieldValue);
        IReadOnlyList<KeyValuePair<string, FieldValue>> two = [.. Qualified, KeyValuePair.Create("custom6", FieldValue.FromString("x"))];

        Assert.IsType<OutreachCallOutcome.NotSent>(await clients.Bulk().ModifyAsync(new BulkProspectIds([1]), two, null, CancellationToken.None));
        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Fact]
    public async Task More_ids_than_the_maximum_are_not_sent()
    {
        await using var clients = await SandboxClients.StartAsync(client: client => client.MaxIdsPerBulkCall = 2);

        Assert.IsType<OutreachCallOutcome.NotSent>(await clients.Bulk().ModifyAsync(new BulkProspectIds([1, 2, 3]), Qualified, null, CancellationToken.None));
        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Fact]
    public void The_batch_item_data_names_the_prospect_in_every_tolerated_form()
    {
        static long? Of(string json)
        {
            using var document = JsonDocument.Parse(json);
            return BatchDocumentReader.ProspectIdOf(document.RootElement);
        }

        Assert.Equal(7, Of("""{"id":7}"""));
        Assert.Equal(7, Of("""{"prospectId":"7"}"""));
        Assert.Equal(7, Of("""{"ids":[7]}"""));
        Assert.Equal(7, Of("""{"attributes":{"id":7}}"""));
        Assert.Equal(7, Of(JsonSerializer.Serialize("""{"id":7}""")));
        Assert.Null(Of("""{"ids":[7,8]}"""));
        Assert.Null(Of("""{"custom5":"x"}"""));
    }
}
