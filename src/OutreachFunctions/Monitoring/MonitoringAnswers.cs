using System.Globalization;
using System.Text.Json;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing;

namespace OutreachFunctions.Monitoring;

/// <summary>
/// The monitoring answers independent of how the request arrived: the standalone endpoints (<see cref="MonitoringEndpoints"/>)
/// and the Functions host's HTTP-trigger envelopes both turn a request's query values into one of these.
/// </summary>
public static class MonitoringAnswers
{
    /// <summary>The JSON content type of every JSON answer.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The content type of the status page.</summary>
    public const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>The status page (static HTML and script; it loads <c>status/data</c> with its own query string).</summary>
    public static MonitoringAnswer StatusPage() => new(200, HtmlContentType, StatusPageResource.Bytes);

    /// <summary>The status report as JSON; <paramref name="hours"/> (1 to 168, default 24) from the query.</summary>
    public static async Task<MonitoringAnswer> StatusAsync(ConnectorStatusService status, string? hours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var span = 24;
        if (hours is not null && (!int.TryParse(hours, NumberStyles.None, CultureInfo.InvariantCulture, out span) || span is < 1 or > 168))
        {
            return Error(400, "invalid_hours", "hours must be a whole number from 1 to 168.");
        }

        var report = await status.GetStatusAsync(span, cancellationToken);
        return Json(200, JsonSerializer.SerializeToUtf8Bytes(report, MonitoringJsonContext.Default.ConnectorStatus));
    }

    /// <summary>Health as JSON: 200 when healthy, 503 when degraded (so an uptime probe alerts), the reasons in the body either way.</summary>
    public static async Task<MonitoringAnswer> HealthAsync(HealthEvaluator health, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        var report = await health.EvaluateAsync(cancellationToken);
        return Json(report.IsHealthy ? 200 : 503, JsonSerializer.SerializeToUtf8Bytes(report, MonitoringJsonContext.Default.HealthReport));
    }

    /// <summary>
    /// Replays failure ledger entries onto <paramref name="queue"/>. Query values: <c>errorId</c>, <c>audienceId</c>, <c>from</c>,
    /// <c>to</c> (ISO 8601), <c>max</c>, <c>listOnly</c> (true: only list what would be replayed). A malformed query is a
    /// 400 before anything else. Both runtimes always have an update queue; the replay command, which may run without
    /// one, calls <see cref="FailureReplay"/> itself.
    /// </summary>
    public static async Task<MonitoringAnswer> ReplayAsync(FailureReplay replay, IUpdateQueue queue, Func<string, string?> query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(query);
        if (!ReplayArguments.TryParseQuery(query, out var failureQuery, out var listOnly, out var problem))
        {
            return Error(400, "invalid_replay_query", problem);
        }

        var result = await replay.ReplayAsync(failureQuery, queue, listOnly, cancellationToken);
        return Json(result.Error is null ? 200 : 503, JsonSerializer.SerializeToUtf8Bytes(result, MonitoringJsonContext.Default.ReplayResult));
    }

    /// <summary>What a dry run recorded most recently (newest first); an empty list when no dry run is configured.</summary>
    public static async Task<MonitoringAnswer> DryRunAsync(DryRunProspectClient? dryRun, string? max, CancellationToken cancellationToken)
    {
        var limit = 100;
        if (max is not null && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            return Error(400, "invalid_max", "max must be a whole number from 1 to 1000.");
        }

        var records = new List<DryRunRecord>();
        if (dryRun is not null)
        {
            await foreach (var record in dryRun.ReadRecentAsync(limit, cancellationToken))
            {
                records.Add(record);
            }
        }

        return Json(200, JsonSerializer.SerializeToUtf8Bytes(records, MonitoringJsonContext.Default.ListDryRunRecord));
    }

    /// <summary>An error answer: <c>{"error":{"code","message"}}</c>.</summary>
    public static MonitoringAnswer Error(int statusCode, string code, string message)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Json(statusCode, buffer.ToArray());
    }

    private static MonitoringAnswer Json(int statusCode, byte[] body) => new(statusCode, JsonContentType, body);
}

/// <summary>An HTTP answer: status, content type and body.</summary>
public sealed record MonitoringAnswer(int StatusCode, string ContentType, byte[] Body);
