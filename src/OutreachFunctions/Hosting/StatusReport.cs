using System.Buffers;
using System.Text.Json;
using Azure;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Hosting;

/// <summary>
/// The read-only status document an operator reads at <c>GET /api/status/connection</c> (Functions: the Status function, admin
/// key; standalone: the ingest bearer secret): the Outreach connection, whether delivery is paused, the shared request
/// budget and the hourly counters of the last day. Never holds a token or a secret.
/// </summary>
/// <remarks>
/// <para>Each section is read on its own: when one source fails (Key Vault, Table storage), that section says
/// <c>"error"</c> and the others are still shown, so the page helps most exactly when something is broken.</para>
/// <para>The connection and the pause come from the one connection state (<see cref="IConnectionState"/>): the token
/// store's status, which every instance shares, and this instance's hold after Outreach refused its credentials.</para>
/// </remarks>
public sealed class StatusReport(
    IConnectionState connection,
    RequestBudget budget,
    DeliveryCounters counters,
    TimeProvider time)
{
    /// <summary>The content type of the document.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>How many hours of counters the document shows (the current hour last).</summary>
    public const int Hours = 24;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>Reads every source and writes the document (UTF-8 JSON).</summary>
    public async Task<byte[]> BuildAsync(CancellationToken cancellationToken)
    {
        var connectionTask = Read(connection.GetStatusAsync, "the token store", cancellationToken);
        var budgetTask = Read(budget.ReadStatusAsync, "the request budget table", cancellationToken);
        var hoursTask = Read(token => counters.ReadLastHoursAsync(Hours, token), "the counters table", cancellationToken);
        await Task.WhenAll(connectionTask, budgetTask, hoursTask);

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("generatedAt", time.GetUtcNow());
            WriteConnection(writer, await connectionTask);
            WritePause(writer, connection.Status);
            WriteBudget(writer, await budgetTask);
            WriteHours(writer, await hoursTask);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Each section within its budget (DependencyRead.SectionBudget, read in parallel): a source that is down or slow
    // shows as {"error": "…"} in its section after about 2 s, instead of the SDK's 5-7 s of retries and a failed answer.
    private async Task<(T? Value, string? Error)> Read<T>(Func<CancellationToken, Task<T>> read, string source, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await DependencyRead.WithinAsync(source, DependencyRead.SectionBudget, read, cancellationToken), null);
        }
        catch (Exception ex) when (DependencyRead.IsFailure(ex))
        {
            var first = ex is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : ex;
            return (null, first switch
            {
                TimeoutException => first.Message,
                RequestFailedException { Status: > 0 } failed =>
                    $"{source} could not be read: {nameof(RequestFailedException)} (HTTP {failed.Status}{(failed.ErrorCode is { } code ? " " + code : "")})",
                _ => $"{source} could not be read: {DependencyRead.Describe(first)}",
            });
        }
    }

    private static void WriteConnection(Utf8JsonWriter writer, (ConnectionStatusReport? Value, string? Error) read)
    {
        writer.WriteStartObject("connection");
        if (read.Value is not { } report)
        {
            writer.WriteString("error", read.Error);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("name", report.ConnectionName);
        writer.WriteString("status", report.Status.ToString());
        writer.WriteBoolean("needsAuthorization", report.NeedsAuthorization);
        WriteStringOrNull(writer, "reason", report.Reason);
        WriteTimeOrNull(writer, "statusChangedAt", report.StatusChangedAt);
        WriteTimeOrNull(writer, "refreshTokenIssuedAt", report.RefreshTokenIssuedAt);
        WriteTimeOrNull(writer, "refreshTokenExpiresAt", report.RefreshTokenExpiresAt);
        WriteTimeOrNull(writer, "accessTokenExpiresAt", report.AccessTokenExpiresAt);
        WriteStringOrNull(writer, "scope", report.Scope);
        writer.WriteEndObject();
    }

    private static void WritePause(Utf8JsonWriter writer, PauseStatus? status)
    {
        writer.WriteStartObject("delivery");
        writer.WriteBoolean("paused", status is not null);
        WriteTimeOrNull(writer, "pausedSince", status?.Since);
        WriteStringOrNull(writer, "pauseReason", status?.Reason);
        WriteTimeOrNull(writer, "probeAt", status?.ProbeAt);
        writer.WriteEndObject();
    }

    private static void WriteBudget(Utf8JsonWriter writer, (BudgetStatus? Value, string? Error) read)
    {
        writer.WriteStartObject("budget");
        if (read.Value is not { } status)
        {
            writer.WriteString("error", read.Error);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("windowStart", status.WindowStart);
        writer.WriteString("windowEnd", status.WindowEnd);
        writer.WriteNumber("used", status.Used);
        writer.WriteNumber("available", status.Available);
        writer.WriteNumber("effectiveLimit", status.EffectiveLimit);
        WriteTimeOrNull(writer, "blockedUntil", status.BlockedUntil);
        writer.WriteEndObject();
    }

    private static void WriteHours(Utf8JsonWriter writer, (IReadOnlyList<HourlyCounters>? Value, string? Error) read)
    {
        writer.WriteStartObject("counters");
        if (read.Value is not { } hours)
        {
            writer.WriteString("error", read.Error);
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartArray("hours");
        foreach (var hour in hours)
        {
            writer.WriteStartObject();
            writer.WriteString("hour", hour.Hour);
            writer.WriteStartObject("values");
            foreach (var (name, value) in hour.Values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteNumber(name, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteTimeOrNull(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
