using System.Text;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Updates;

public sealed class UpdateBatchFormatTests
{
    private static readonly DateTimeOffset Received = new(2025, 3, 2, 11, 0, 0, TimeSpan.Zero);

    private static ProspectUpdate Update(long prospectId, string status = "realized") => new(
        prospectId,
        new Dictionary<string, FieldChange> { ["custom1"] = new(FieldValue.FromString(status), Received, "aaaa-1") },
        Received);

    private static IReadOnlyList<QueuedUpdate> Read(string message) => UpdateBatchFormat.Deserialize(Encoding.UTF8.GetBytes(message));

    [Fact]
    public void Ten_updates_of_an_export_travel_as_one_message_in_order()
    {
        var updates = Enumerable.Range(1, 10).Select(id => new QueuedUpdate(Update(id), 0)).ToList();

        var message = Assert.Single(UpdateBatchFormat.Serialize(updates));

        Assert.StartsWith("[", message, StringComparison.Ordinal);
        Assert.Equal(updates, Read(message));
    }

    [Fact]
    public void Attempts_already_used_travel_with_each_update()
    {
        var updates = new[] { new QueuedUpdate(Update(1), 0), new QueuedUpdate(Update(2), 3) };

        Assert.Equal(updates, Read(Assert.Single(UpdateBatchFormat.Serialize(updates))));
    }

    [Fact]
    public void Updates_are_split_across_messages_at_the_size_limit_and_none_is_lost()
    {
        var updates = Enumerable.Range(1, 50).Select(id => new QueuedUpdate(Update(id, new string('x', 200)), 0)).ToList();

        var messages = UpdateBatchFormat.Serialize(updates, maxMessageBytes: 2_000);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(Encoding.UTF8.GetByteCount(m) <= 2_000, $"{Encoding.UTF8.GetByteCount(m)} bytes"));
        Assert.Equal(updates, messages.SelectMany(Read).ToList());
    }

    [Fact]
    public void An_update_larger_than_the_limit_travels_alone()
    {
        var updates = new[] { new QueuedUpdate(Update(1), 0), new QueuedUpdate(Update(2, new string('y', 500)), 0), new QueuedUpdate(Update(3), 0) };

        var messages = UpdateBatchFormat.Serialize(updates, maxMessageBytes: 200);

        Assert.Equal(3, messages.Count);
        Assert.Equal(updates, messages.SelectMany(Read).ToList());
    }

    [Fact]
    public void A_message_with_one_update_object_written_before_batches_still_reads()
    {
        var single = ProspectUpdateFormat.SerializeToString(Update(7), attemptsUsed: 2);

        Assert.Equal([new QueuedUpdate(Update(7), 2)], Read(single));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"v\":1,\"p\":1,\"r\":1,\"f\":{}}, 42]")]
    [InlineData("[{\"v\":1")]
    [InlineData("\"text\"")]
    public void A_message_that_is_not_a_list_of_updates_is_refused_whole(string message)
    {
        Assert.Throws<FormatException>(() => Read(message));
    }
}
