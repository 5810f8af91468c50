using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Mapping;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Ingest;

/// <summary>
/// The ingest use case shared by the standalone endpoint and the Functions HTTP trigger: translate an AEP export,
/// queue one update per accepted profile, and produce the answer for AEP. Never calls Outreach.
/// </summary>
/// <remarks>
/// Counts every profile in the hourly <see cref="DeliveryCounters"/> (when registered) and in <see cref="ConnectorMetrics"/>,
/// and stamps each queued update with the trace of the request (<see cref="Updates.ProspectUpdate.TraceParent"/>), so
/// delivery continues the same trace.
/// </remarks>
public sealed partial class IngestService(
    ExportTranslator translator,
    TimeProvider time,
    ILogger<IngestService> logger,
    DeliveryCounters? counters = null,
    ConnectorMetrics? metrics = null)
{
    // Well inside AEP's 2 s answer limit, after translation and queuing have taken their share.
    private static readonly TimeSpan CounterWriteBound = TimeSpan.FromMilliseconds(500);

    /// <summary>Handles one request body, queuing accepted updates on <paramref name="queue"/>.</summary>
    /// <remarks>
    /// Updates are queued only after the whole body was read and translated, so a malformed body queues nothing. If the
    /// queue fails part-way the caller answers 503 and AEP retries; updates queued before the failure are delivered
    /// twice at worst, which cannot change the result (delivery drops values it already applied).
    /// </remarks>
    public async Task<(ExportTranslation Translation, IngestResponse Response)> AcceptAsync(Stream body, IUpdateQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        using var activity = ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.Ingest, ActivityKind.Producer);
        var receivedAt = time.GetUtcNow();
        var translation = await translator.TranslateAsync(body, receivedAt, cancellationToken);
        if (translation.BodyError is { } error)
        {
            LogBodyRefused(error.Code);
            activity?.SetTag("outreach.ingest.refused", error.Code);
        }
        else
        {
            // The request's trace (ours, or the host's when nobody listens to the connector's source) travels with each update.
            var traceParent = Activity.Current?.IdFormat == ActivityIdFormat.W3C ? Activity.Current.Id : null;
            var updates = translation.Updates.Select(u => traceParent is null ? u : u with { TraceParent = traceParent }).ToList();
            if (updates.Count > 0)
            {
                await queue.EnqueueAsync(updates, cancellationToken);
            }

            activity?.SetTag("outreach.ingest.accepted", translation.AcceptedCount);
            activity?.SetTag("outreach.ingest.excluded", translation.ExcludedCount);
            activity?.SetTag("outreach.ingest.invalid", translation.InvalidCount);
            LogTranslated(translation.AcceptedCount, translation.ExcludedCount, translation.InvalidCount);
        }

        metrics?.RecordIngest(translation);
        await CountAsync(translation, receivedAt);
        return (translation, IngestResponse.For(translation));
    }

    // Counted after queuing: a request whose queue write failed is answered 503 and counted when AEP retries it.
    private async Task CountAsync(ExportTranslation translation, DateTimeOffset receivedAt)
    {
        if (counters is null)
        {
            return;
        }

        var increments = new Dictionary<string, long>(StringComparer.Ordinal);
        if (translation.BodyError is not null)
        {
            increments[Names.IngestRefused] = 1;
        }
        else
        {
            increments[Names.IngestReceived] = translation.Outcomes.Count;
            increments[Names.IngestAccepted] = translation.AcceptedCount;
            increments[Names.Excluded] = translation.ExcludedCount;
            increments[Names.Invalid] = translation.InvalidCount;
            foreach (var excluded in translation.Outcomes.OfType<ProfileOutcome.Excluded>())
            {
                var name = Names.ExcludedFor(excluded.Reason);
                increments[name] = increments.GetValueOrDefault(name) + 1;
            }
        }

        // Not the request's token: AEP hanging up must not lose the counts of updates already queued.
        var write = counters.IncrementAsync(receivedAt, increments, CancellationToken.None);
        try
        {
            // Bounded: AEP allows 2 s per request and the updates are already queued, so counters (telemetry) never
            // cost an export its answer; a slow write finishes in the background.
            await write.WaitAsync(CounterWriteBound, time);
        }
        catch (TimeoutException)
        {
            _ = write.ContinueWith(t => LogCountersFailed(t.Exception!.GetBaseException().GetType().Name), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
#pragma warning disable CA1031 // Any failure of a telemetry write (storage, identity, network) is logged, never the request's failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCountersFailed(ex.GetBaseException().GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AEP export refused whole: {Code}")]
    private partial void LogBodyRefused(string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "AEP export: {Accepted} accepted, {Excluded} excluded, {Invalid} invalid")]
    private partial void LogTranslated(int accepted, int excluded, int invalid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the ingest counters of an export ({Failure})")]
    private partial void LogCountersFailed(string failure);
}

/// <summary>
/// What is checked from the request headers before a byte of the body is read: the media type (415) and a declared
/// length over the limit (413), so an oversized body is refused by the connector before the server's own limit throws.
/// </summary>
/// <remarks>
/// AEP's HTTP destination sends JSON; which <c>Content-Type</c> header it sets is not documented (see
/// docs/reference/aep.md), so <c>application/json</c>, any <c>+json</c> type and a missing header are accepted (the body
/// must still parse as JSON), and a charset other than UTF-8 is refused since the body is read as UTF-8.
/// </remarks>
public sealed class IngestRequestCheck(IOptions<AepReaderOptions> options)
{
    private readonly AepReaderOptions _options = options.Value;

    /// <summary>The largest body accepted, in bytes.</summary>
    public int MaxBodyBytes => _options.MaxBodyBytes;

    /// <summary>The refusal for these headers, or null when the body should be read.</summary>
    /// <param name="contentType">The <c>Content-Type</c> header; null or empty when absent.</param>
    /// <param name="contentLength">The declared <c>Content-Length</c>; null when chunked or absent.</param>
    public IngestResponse? Refusal(string? contentType, long? contentLength)
    {
        if (!IsJson(contentType, out var problem))
        {
            return IngestResponse.Error(
                (int)HttpStatusCode.UnsupportedMediaType,
                AepBodyErrorCodes.UnsupportedMediaType,
                problem + " Send the export as application/json (UTF-8).");
        }

        return contentLength > _options.MaxBodyBytes ? TooLarge() : null;
    }

    /// <summary>The 413 answer, also used when the server stops a body that is larger than it declared.</summary>
    public IngestResponse TooLarge() => IngestResponse.Error(
        (int)HttpStatusCode.RequestEntityTooLarge,
        AepBodyErrorCodes.BodyTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {_options.MaxBodyBytes} bytes accepted per request."));

    private static bool IsJson(string? contentType, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            problem = "The Content-Type header is not a media type.";
            return false;
        }

        var json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            problem = $"The media type {mediaType} is not accepted.";
            return false;
        }

        var charset = parsed.CharSet?.Trim('"');
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"The charset {charset} is not accepted.";
            return false;
        }

        return true;
    }
}

/// <summary>Reads an AEP export request body and translates each profile: the whole of ingest except the queue.</summary>
/// <remarks>
/// Both the standalone endpoint and the Functions HTTP trigger call this, so they validate identically. A profile
/// carrying undecodable text, control characters or a repeated key is invalid before the mapping reads it
/// (<see cref="ProfileIntegrityCheck"/>), so no reader meets such a value and the other profiles go through.
/// </remarks>
public sealed class ExportTranslator(AepExportReader reader, ProfileTranslator translator)
{
    /// <summary>Reads and translates a body stream received at <paramref name="receivedAt"/>.</summary>
    public async Task<ExportTranslation> TranslateAsync(Stream body, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        Translate(await reader.ReadAsync(body, cancellationToken), receivedAt);

    /// <summary>Reads and translates a body already in memory.</summary>
    public ExportTranslation Translate(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt) => Translate(reader.Read(body), receivedAt);

    private ExportTranslation Translate(AepReadOutcome read, DateTimeOffset receivedAt)
    {
        if (!read.Succeeded)
        {
            return ExportTranslation.Refused(read.Error);
        }

        using var export = read.Export;
        var outcomes = new ProfileOutcome[export.Profiles.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var profile = export.Profiles[i];
            outcomes[i] = ProfileIntegrityCheck.Find(profile.Element, profile.Path) is { } problem
                ? new ProfileOutcome.Invalid(profile.Index, profile.Path, problem.Path, problem.Message)
                : translator.Translate(profile, receivedAt);
        }

        return ExportTranslation.Translated(outcomes);
    }
}

/// <summary>The HTTP answer to AEP for one export request: a status code and a JSON body.</summary>
/// <remarks>
/// 202 when at least one profile was queued, listing the profiles that were excluded or invalid and why (valid
/// profiles in the same request always go through); 422 when no profile could be used; 400 or 413 when the body was
/// refused whole. The body names paths and reasons, never attribute values.
/// </remarks>
public sealed record IngestResponse(int StatusCode, byte[] Body)
{
    /// <summary>The error code of a 4xx/5xx answer (<c>body_too_large</c> …); null for 202.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The answer for a translated export whose accepted updates were queued.</summary>
    public static IngestResponse For(ExportTranslation translation)
    {
        ArgumentNullException.ThrowIfNull(translation);
        if (translation.BodyError is { } error)
        {
            var status = error.Code == AepBodyErrorCodes.BodyTooLarge ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest;
            return Error((int)status, error.Code, error.Message, error.Location);
        }

        var accepted = translation.AcceptedCount;
        const string noProfileAccepted = "no_profile_accepted";
        return new IngestResponse(accepted > 0 ? (int)HttpStatusCode.Accepted : (int)HttpStatusCode.UnprocessableEntity, Write(writer =>
        {
            writer.WriteNumber("accepted", accepted);
            writer.WriteNumber("excluded", translation.ExcludedCount);
            writer.WriteNumber("invalid", translation.InvalidCount);
            if (accepted == 0)
            {
                writer.WriteStartObject("error");
                writer.WriteString("code", noProfileAccepted);
                writer.WriteString("message", "No profile in the request could be written to Outreach; see excludedProfiles and invalidProfiles.");
                writer.WriteEndObject();
            }

            writer.WriteStartArray("excludedProfiles");
            foreach (var excluded in translation.Outcomes.OfType<ProfileOutcome.Excluded>())
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", excluded.Index);
                writer.WriteString("path", excluded.Path);
                writer.WriteString("reason", excluded.Reason);
                writer.WriteString("detail", excluded.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("invalidProfiles");
            foreach (var invalid in translation.Outcomes.OfType<ProfileOutcome.Invalid>())
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", invalid.Index);
                writer.WriteString("path", invalid.Path);
                writer.WriteString("errorPath", invalid.ErrorPath);
                writer.WriteString("message", invalid.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }))
        {
            ErrorCode = accepted > 0 ? null : noProfileAccepted,
        };
    }

    /// <summary>An error answer: <c>{"error":{"code","message","location"}}</c>.</summary>
    public static IngestResponse Error(int statusCode, string code, string message, string? location = null) =>
        new(statusCode, Write(writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            if (location is not null)
            {
                writer.WriteString("location", location);
            }

            writer.WriteEndObject();
        }))
        {
            ErrorCode = code,
        };

    // Messages read as written (an apostrophe, not \u0027): the body is JSON for programs and people, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
