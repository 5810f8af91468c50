using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Azure;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Queueing.StorageQueues;
using Outreach.Testing;
using Outreach.Connector.Tests.Infrastructure;

namespace Outreach.Connector.Tests.Queueing.StorageQueues;

// The Storage-queue receive adapter on Azurite: gathering a batch from several receives, and settling each message.
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueTransportTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    private async Task<QueueClient> QueueWithAsync(int messages)
    {
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("q").ToLowerInvariant());
        await queue.CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, messages).Select(i => queue.SendMessageAsync("message " + i)));
        return queue;
    }

    private async Task<IReadOnlyList<ReceivedMessage<QueueMessage>>> ReceiveAsync(QueueClient queue, int batchSize) =>
        await new StorageQueueReceiver(queue, _time).ReceiveAsync(batchSize, Invisible, TimeSpan.Zero, TimeSpan.FromMilliseconds(10), CancellationToken.None);

    [Theory]
    [InlineData(70, 100, 70)]
    [InlineData(70, 50, 50)]
    [InlineData(40, 32, 32)]
    [InlineData(0, 100, 0)]
    public async Task Batch_gathers_several_receives_up_to_the_batch_size(int queued, int batchSize, int expected)
    {
        var queue = await QueueWithAsync(queued);

        var batch = await ReceiveAsync(queue, batchSize);

        Assert.Equal(expected, batch.Count);
        Assert.Equal(expected, batch.Select(m => m.MessageId).Distinct().Count());
        Assert.All(batch, m => Assert.Equal(1, m.DeliveryCount));
        var rest = await ReceiveAsync(queue, 100);
        Assert.Equal(queued - expected, rest.Count);
        Assert.Empty(rest.Select(m => m.MessageId).Intersect(batch.Select(m => m.MessageId)));
    }

    [Fact]
    public async Task Settlements_delete_hide_replace_or_set_aside_each_message()
    {
        var queue = await QueueWithAsync(4);
        var poison = new QueueClient(azurite.ConnectionString, queue.Name + "-poison");
        await poison.CreateAsync();
        var settler = new StorageQueueSettler(queue, poison, _time);
        var batch = await ReceiveAsync(queue, 4);

        var kept = await settler.SetAsideAsync(batch[3], "not an update", CancellationToken.None);
        await settler.SettleAsync(
            [
                (batch[0], new Settlement.Complete()),
                (batch[1], new Settlement.RetryInPlace(TimeSpan.FromHours(1))),
                (batch[2], new Settlement.Successor("copy", 2, _time.GetUtcNow(), "paused")),
            ],
            CancellationToken.None);

        Assert.Equal("queue " + poison.Name, kept);
        Assert.Equal("message 3", (await poison.ReceiveMessageAsync()).Value.Body.ToString());
        // Visible now: only the copy (the retried message is hidden for an hour, the others are gone).
        var visible = (await queue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(["copy"], visible.Select(m => m.Body.ToString()));
        Assert.Equal(2, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(60_000, 8)]
    public async Task Begun_batch_waits_up_to_the_gather_wait_for_more_messages(int gatherWaitMs, int expected)
    {
        // The queue holds 5, then nothing for a moment, then 3 more; the batch could take 10.
        var answers = new Queue<int>([5, 0, 3]);
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Response.FromValue(Messages(answers.TryDequeue(out var count) ? count : 0), Mock.Of<Response>()));
        var poll = TimeSpan.FromSeconds(1);

        var receiving = new StorageQueueReceiver(queue.Object, _time).ReceiveAsync(10, Invisible, TimeSpan.FromMilliseconds(gatherWaitMs), poll, CancellationToken.None);
        while (!receiving.IsCompleted)
        {
            // The fake clock moves only when told: one poll interval at a time until the gathering is over.
            _time.Advance(poll);
            await Task.Delay(1);
        }

        Assert.Equal(expected, (await receiving).Count);
    }

    private static QueueMessage[] Messages(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => QueuesModelFactory.QueueMessage(Guid.NewGuid().ToString(), "receipt", BinaryData.FromString("{}"), 1))];
}
