using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The sequence calls on the one Outreach pipeline (<see cref="OutreachApiSender"/>). Safety first: the enrolment
/// bulk action carries its ids as <c>actionParams[filter][id][]</c> in the query (checked once more right before the
/// send, as <c>prospectsBulkModify</c> is), since without a filter it would enrol EVERY prospect.
/// </summary>
/// <remarks>Logs carry batch, sequence, mailbox and state ids and counts only.</remarks>
public sealed partial class OutreachSequenceClient(
    OutreachApiSender sender,
    IOptions<OutreachBulkOptions> bulkOptions,
    ILogger<OutreachSequenceClient> logger) : IOutreachSequenceClient
{
    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);

    /// <inheritdoc />
    public int MaxIdsPerBulkCall => bulkOptions.Value.MaxIdsPerBulkCall;

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> AddToSequenceAsync(BulkProspectIds ids, long sequenceId, long mailboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count > MaxIdsPerBulkCall)
        {
            return new OutreachCallOutcome.NotSent($"{ids.Count} ids exceed Outreach__MaxIdsPerBulkCall ({MaxIdsPerBulkCall}).");
        }

        var url = new StringBuilder("batches/actions/prospectsAddToSequence?actionParams[skipConfirmation]=true");
        foreach (var id in ids)
        {
            url.Append('&').Append(BulkModifyRequest.IdFilterKey).Append('=').Append(id.ToString(CultureInfo.InvariantCulture));
        }

        var relativeUrl = url.ToString();
        if (BulkModifyRequest.FilterProblem(relativeUrl, ids) is { } problem)
        {
            Log.Refused(logger, ids.Count, problem);
            return new OutreachCallOutcome.NotSent($"Refused: {problem}.");
        }

        var body = AddToSequenceBody(ids, sequenceId, mailboxId);
        var outcome = await sender.SendAsync("POST prospectsAddToSequence", () => Post(relativeUrl, body), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        if (BatchDocumentReader.ReadBatch(succeeded.Value) is not { } batch)
        {
            // Outreach said yes but the batch cannot be followed: whether anyone was enrolled is unknown.
            return new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer names no batch.", null, succeeded.RateLimit);
        }

        Log.Started(logger, batch.Id, ids.Count, sequenceId, mailboxId);
        return new OutreachCallOutcome.Succeeded<BatchStatus>(batch, succeeded.StatusCode, succeeded.RateLimit);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> GetBatchAsync(long batchId, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAsync("GET batch", () => new HttpRequestMessage(HttpMethod.Get, Invariant($"batches/{batchId}")), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return outcome;
        }

        return BatchDocumentReader.ReadBatch(succeeded.Value) is { } batch
            ? new OutreachCallOutcome.Succeeded<BatchStatus>(batch, succeeded.StatusCode, succeeded.RateLimit)
            : new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer is not a batch.", null, succeeded.RateLimit);
    }

    /// <inheritdoc />
    public Task<OutreachCallOutcome> ReadFailuresAsync(long batchId, CancellationToken cancellationToken) =>
        sender.GetAllPagesAsync(
            "GET batchItems",
            Invariant($"batchItems?filter[batch][id]={batchId}&filter[failed]=true&page[size]=1000"),
            body => BatchDocumentReader.ReadFailedItems(body, batchId),
            "Outreach's answer is not a batchItems list.",
            null,
            cancellationToken);

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> FindStatesAsync(long prospectId, long sequenceId, CancellationToken cancellationToken)
    {
        // Relationships are filtered by id only (filtering by their other attributes was deprecated in 2023).
        var outcome = await sender.GetAllPagesAsync(
            "GET sequenceStates",
            Invariant($"sequenceStates?filter[prospect][id]={prospectId}&filter[sequence][id]={sequenceId}"),
            JsonApiList.Read,
            "Outreach's answer is not a sequenceStates list.",
            null,
            cancellationToken);
        return outcome is OutreachCallOutcome.Succeeded<ListPages<ProspectValues>> { Value.Items: var states } read
            ? new OutreachCallOutcome.Succeeded<IReadOnlyList<SequenceStateInfo>>(
                [.. states.Select(s => new SequenceStateInfo(s.Id, Text(s.Attributes, "state")))], read.StatusCode, read.RateLimit)
            : outcome;
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ActOnStateAsync(long stateId, SequenceStateAction action, CancellationToken cancellationToken)
    {
        var name = action == SequenceStateAction.Finish ? "finish" : "pause";
        var outcome = await sender.SendAsync("POST sequenceState " + name, () => Post(Invariant($"sequenceStates/{stateId}/actions/{name}"), null), null, cancellationToken);
        if (outcome is OutreachCallOutcome.Succeeded)
        {
            Log.Acted(logger, stateId, name);
        }

        return outcome;
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadSequenceAsync(long sequenceId, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAsync("GET sequence", () => new HttpRequestMessage(HttpMethod.Get, Invariant($"sequences/{sequenceId}")), null, cancellationToken);
        return outcome is OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> read && Attributes(read.Value) is { } attributes
            ? new OutreachCallOutcome.Succeeded<SequenceInfo>(
                new SequenceInfo(sequenceId, attributes.TryGetValue("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True), read.StatusCode, read.RateLimit)
            : Unreadable(outcome);
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> ReadMailboxAsync(long mailboxId, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAsync("GET mailbox", () => new HttpRequestMessage(HttpMethod.Get, Invariant($"mailboxes/{mailboxId}")), null, cancellationToken);
        return outcome is OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> read && Attributes(read.Value) is { } attributes
            ? new OutreachCallOutcome.Succeeded<MailboxInfo>(
                new MailboxInfo(mailboxId, !(attributes.TryGetValue("sendDisabled", out var disabled) && disabled.ValueKind == JsonValueKind.True)), read.StatusCode, read.RateLimit)
            : Unreadable(outcome);
    }

    /// <summary>The body: <c>data.attributes</c> <c>sequenceId</c>, <c>mailboxId</c> and the <c>ids</c> (which one integration also sends; the query selects).</summary>
    internal static byte[] AddToSequenceBody(BulkProspectIds ids, long sequenceId, long mailboxId)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "batch");
            writer.WriteStartObject("attributes");
            writer.WriteNumber("sequenceId", sequenceId);
            writer.WriteNumber("mailboxId", mailboxId);
            writer.WriteStartArray("ids");
            foreach (var id in ids)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static OutreachCallOutcome Unreadable(OutreachCallOutcome outcome) =>
        outcome is OutreachCallOutcome.Succeeded succeeded
            ? new OutreachCallOutcome.Transient(succeeded.StatusCode, "Outreach's answer is not a resource document.", null, succeeded.RateLimit)
            : outcome;

    private static Dictionary<string, JsonElement>? Attributes(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (data.TryGetProperty("attributes", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                foreach (var attribute in given.EnumerateObject())
                {
                    attributes[attribute.Name] = attribute.Value.Clone();
                }
            }

            return attributes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static HttpRequestMessage Post(string url, byte[]? body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonApi;
        }

        return request;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2131, Level = LogLevel.Information, Message = "prospectsAddToSequence started batch {BatchId} for {Count} prospects (sequence {SequenceId}, mailbox {MailboxId})")]
        public static partial void Started(ILogger logger, long batchId, int count, long sequenceId, long mailboxId);

        [LoggerMessage(EventId = 2132, Level = LogLevel.Error, Message = "prospectsAddToSequence for {Count} prospects NOT sent: {Problem}; without an id filter it would enrol every prospect")]
        public static partial void Refused(ILogger logger, int count, string problem);

        [LoggerMessage(EventId = 2133, Level = LogLevel.Information, Message = "Sequence state {StateId}: {Action} sent")]
        public static partial void Acted(ILogger logger, long stateId, string action);
    }
}
