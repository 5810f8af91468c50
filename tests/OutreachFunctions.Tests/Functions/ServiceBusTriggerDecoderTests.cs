using Outreach.Connector.Updates;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The decoder the Deliver function relies on, fed golden envelopes built as docs/reference/functions-host.md §2.0–2.3 show.
public sealed class ServiceBusTriggerDecoderTests
{
    private static ServiceBusTriggerBatch Decode(string golden, string binding)
    {
        using var request = InvocationRequest.Parse(Golden.Read("ServiceBus", golden));
        return ServiceBusTriggerDecoder.Decode(request, binding);
    }

    [Fact]
    public void Batch_bodies_come_from_a_string_holding_an_array_of_strings()
    {
        var batch = Decode("batch.request.json", "messages");

        Assert.True(batch.IsBatch);
        Assert.Equal(3, batch.Messages.Count);
        Assert.Equal([1L, 2L, 3L], batch.Messages.Select(m => ProspectUpdateFormat.Deserialize(m.Body).ProspectId));
        Assert.Equal([0, 1, 2], batch.Messages.Select(m => m.Index));
        Assert.Empty(batch.Warnings);
    }

    [Fact]
    public void Batch_metadata_arrays_are_index_aligned_with_the_bodies()
    {
        var batch = Decode("batch.request.json", "messages");

        Assert.Equal(["m-1", "m-2", "m-3"], batch.Messages.Select(m => m.MessageId));
        Assert.Equal([1, 3, 1], batch.Messages.Select(m => m.DeliveryCount));
        Assert.Equal([101L, 102L, 103L], batch.Messages.Select(m => m.SequenceNumber));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 1, TimeSpan.Zero), batch.Messages[1].EnqueuedTime);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 10, 0, 2, TimeSpan.Zero), batch.Messages[2].ExpiresAt);
        Assert.Equal(["c-1", null, null], batch.Messages.Select(m => m.CorrelationId));
        Assert.All(batch.Messages, m => Assert.Equal("text/plain", m.ContentType));
    }

    [Fact]
    public void Batch_application_properties_are_read_per_message_numbers_as_text_included()
    {
        var batch = Decode("batch.request.json", "messages");

        Assert.False(batch.Messages[0].TryGetApplicationProperty("attemptsUsed", out _));
        Assert.True(batch.Messages[1].TryGetApplicationProperty("attemptsUsed", out var second));
        Assert.Equal(2, second);
        Assert.True(batch.Messages[2].TryGetApplicationProperty("AttemptsUsed", out var third));
        Assert.Equal(4, third);
        Assert.Equal("rate_limited", batch.Messages[2].GetApplicationPropertyText("reason"));
    }

    [Fact]
    public void Body_fields_named_like_metadata_do_not_replace_batch_metadata()
    {
        // The second body carries top-level "MessageId" and "DeliveryCount" fields; a batch's *Array keys stay authoritative.
        var batch = Decode("batch.request.json", "messages");

        Assert.Contains("\"MessageId\":\"forged-by-body\"", batch.Messages[1].Body, StringComparison.Ordinal);
        Assert.Equal("m-2", batch.Messages[1].MessageId);
        Assert.Equal(3, batch.Messages[1].DeliveryCount);
    }

    [Fact]
    public void Misaligned_metadata_array_is_ignored_whole_with_a_warning()
    {
        var batch = Decode("batch-misaligned.request.json", "messages");

        Assert.All(batch.Messages, m => Assert.Null(m.MessageId));
        Assert.Equal([1, 3, 1], batch.Messages.Select(m => m.DeliveryCount));
        var warning = Assert.Single(batch.Warnings);
        Assert.Equal("Metadata.MessageIdArray ignored: it has 2 entries for 3 messages.", warning);
    }

    [Fact]
    public void Single_message_body_quoted_twice_is_unwrapped_to_its_text()
    {
        var batch = Decode("single.request.json", "message");

        Assert.False(batch.IsBatch);
        var message = Assert.Single(batch.Messages);
        Assert.StartsWith("{\"v\":1,\"p\":7,", message.Body, StringComparison.Ordinal);
        Assert.Equal(7, ProspectUpdateFormat.Deserialize(message.Body).ProspectId);
        Assert.Equal("single-1", message.MessageId);
        Assert.Equal(2, message.DeliveryCount);
        Assert.Equal(77, message.SequenceNumber);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), message.EnqueuedTime);
        Assert.Equal("retry", message.Subject);
        Assert.Equal("corr-7", message.CorrelationId);
        Assert.True(message.TryGetApplicationProperty("attemptsUsed", out var attempts));
        Assert.Equal(1, attempts);
        Assert.Empty(batch.Warnings);
    }

    [Fact]
    public void Single_message_metadata_shadowed_by_body_fields_is_not_trusted()
    {
        var batch = Decode("single-shadowed.request.json", "message");

        var message = Assert.Single(batch.Messages);
        Assert.Equal(8, ProspectUpdateFormat.Deserialize(message.Body).ProspectId);
        Assert.Null(message.MessageId);
        Assert.Null(message.DeliveryCount);
        Assert.Equal(78, message.SequenceNumber);
        Assert.Equal(
            [
                "Metadata.MessageId ignored: the message body has a top-level field of the same name, which the host copies over the metadata.",
                "Metadata.DeliveryCount ignored: the message body has a top-level field of the same name, which the host copies over the metadata.",
            ],
            batch.Warnings);
    }

    [Fact]
    public void Documentation_sample_form_is_read_too()
    {
        // Body as a raw object, numbers as numbers, strings quoted once (functions-custom-handlers.md sample style).
        var message = Assert.Single(Decode("single-docs-form.request.json", "message").Messages);

        Assert.Equal(7, ProspectUpdateFormat.Deserialize(message.Body).ProspectId);
        Assert.Equal("docs-1", message.MessageId);
        Assert.Equal(1, message.DeliveryCount);
        Assert.Equal(5, message.SequenceNumber);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), message.EnqueuedTime);
    }

    [Fact]
    public void Batch_without_metadata_is_recognised_by_its_array()
    {
        using var request = InvocationRequest.Parse("""{"Data":{"messages":"[\"a\",\"{\\\"k\\\":1}\"]"},"Metadata":{}}""");
        var batch = ServiceBusTriggerDecoder.Decode(request, "messages");

        Assert.True(batch.IsBatch);
        Assert.Equal(["a", "{\"k\":1}"], batch.Messages.Select(m => m.Body));
    }

    [Fact]
    public void Missing_binding_is_a_format_error_naming_it()
    {
        using var request = InvocationRequest.Parse("""{"Data":{},"Metadata":{}}""");
        var error = Assert.Throws<InvocationFormatException>(() => ServiceBusTriggerDecoder.Decode(request, "messages"));
        Assert.Contains("Data.messages", error.Message, StringComparison.Ordinal);
    }
}
