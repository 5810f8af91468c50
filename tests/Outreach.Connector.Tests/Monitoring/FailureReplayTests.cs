using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Queueing;
using Outreach.Connector.Tests.Delivery;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Monitoring;

[Collection(AzuriteCollection.Name)]
public sealed class FailureReplayTests(AzuriteFixture azurite)
{
    private const string Webinar = "cccccccc-3333-4000-8000-000000000003";
    private readonly DeliveryHarness _h = new(azurite);

    private FailureReplay Replay => new(_h.Ledger, NullLogger<FailureReplay>.Instance, _h.Counters);

    private async Task<List<ProspectUpdate>> FileFailuresAsync()
    {
        var missingField = new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "custom3 does not exist", "/data/attributes/custom3")], RateLimitSnapshot.None);
        var notFound = new OutreachCallOutcome.Permanent(404, [new OutreachError("resourceNotFound", "Resource Not Found", null, null)], RateLimitSnapshot.None);
        var updates = new List<ProspectUpdate>();
        for (var id = 1; id <= 3; id++)
        {
            var update = Update(id, 0, ("custom3", Change("realized", 0, Webinar)));
            await _h.Ledger.RecordRejectionAsync(update, missingField, ["m" + id], 1, CancellationToken.None);
            updates.Add(update);
        }

        await _h.Ledger.RecordRejectionAsync(Update(99, 0, ("firstName", Change("Ann", 0))), notFound, ["m99"], 1, CancellationToken.None);
        return updates;
    }

    [Fact]
    public async Task Replay_by_audience_queues_exactly_those_updates_then_removes_them_from_the_ledger()
    {
        var failed = await FileFailuresAsync();
        var queue = new ListQueue();

        var result = await Replay.ReplayAsync(new FailureQuery(AudienceId: Webinar), queue, listOnly: false, CancellationToken.None);

        Assert.Equal((3, 3, null), (result.Matched, result.Replayed, result.Error));
        Assert.Equal(failed.OrderBy(u => u.ProspectId), queue.Queued.OrderBy(u => u.ProspectId));
        var left = Assert.Single(await _h.LedgerAsync());
        Assert.Equal((99L, "resourceNotFound"), (left.ProspectId, left.Key.Partition));
        Assert.Equal(3, (await _h.CountersOfThisHourAsync())[DeliveryCounterNames.Replayed]);
    }

    [Fact]
    public async Task List_only_queues_nothing_and_keeps_the_ledger()
    {
        await FileFailuresAsync();
        var queue = new ListQueue();

        var result = await Replay.ReplayAsync(new FailureQuery(ErrorId: "validationError"), queue, listOnly: true, CancellationToken.None);

        Assert.Equal((3, 0, true), (result.Matched, result.Replayed, result.ListOnly));
        Assert.All(result.Entries, e => Assert.False(e.Replayed));
        Assert.Empty(queue.Queued);
        Assert.Equal(4, (await _h.LedgerAsync()).Count);
    }

    [Fact]
    public async Task A_queue_that_refuses_keeps_every_entry_in_the_ledger_and_says_why()
    {
        await FileFailuresAsync();
        var queue = new ListQueue { Fail = true };

        var result = await Replay.ReplayAsync(new FailureQuery(), queue, listOnly: false, CancellationToken.None);

        Assert.Equal((4, 0), (result.Matched, result.Replayed));
        Assert.Contains("4 entries stay in the ledger", result.Error, StringComparison.Ordinal);
        Assert.Equal(4, (await _h.LedgerAsync()).Count);
    }

    private sealed class ListQueue : IUpdateQueue
    {
        public List<ProspectUpdate> Queued { get; } = [];

        public bool Fail { get; init; }

        public Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new RequestFailedException(503, "queue unavailable");
            }

            Queued.AddRange(updates);
            return Task.CompletedTask;
        }
    }
}
