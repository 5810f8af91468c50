using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace OutreachFunctions.Probe;

/// <summary>
/// The upsert trial of <c>probe-outreach</c> (docs/probe.md): <c>POST /imports/actions/bulkUpsert</c> on the test
/// prospect only, to learn which record shape the org accepts, the import states it goes through, how long it takes,
/// whether the read-back shows the value, what it costs, and the largest group that applied fully.
/// </summary>
/// <remarks>
/// It sends <see cref="DupeMethod"/> (<c>overwriteNoCreate</c>) and nothing else: every other dupe method creates a
/// prospect for a record whose id does not exist (docs/reference/outreach-imports.md). Each body is checked once more
/// right before the send: the dupe method, and that every record names the test prospect. A group repeats the test
/// prospect's record; that is safe because <c>overwriteNoCreate</c> cannot create and every copy sets the same value on
/// the same prospect, so whatever order Outreach applies them in, the end state is that one value.
/// The import's state names are UNCONFIRMED: names meaning "finished" are recognised, an unknown name counts as still
/// running, and the read-back of the prospect decides whether the value landed.
/// </remarks>
public sealed class ImportTrial(OutreachApiSender sender, RateLimitHeaderRecorder recorder, TimeProvider timeProvider)
{
    /// <summary>The only dupe method the probe ever sends: it updates existing prospects and never creates one.</summary>
    public const string DupeMethod = BulkUpsertRequest.DupeMethod;

    /// <summary>The group sizes tried after a single record applied, smallest first; the trial stops at the first that does not apply fully.</summary>
    public static readonly IReadOnlyList<int> GroupSizes = [10, 25, 100, 250, 1000];

    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);

    // State names that mean "done" in the APIs Outreach's resembles; any other name is taken as "still running".
    private readonly HashSet<string> _finishedStates = new(
        ["completed", "complete", "finished", "done", "succeeded", "success", "imported", "failed", "failure", "error", "errored", "canceled", "cancelled"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one import is followed before the probe reads the prospect back anyway.</summary>
    public TimeSpan ImportTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The pause between two <c>GET /imports/{id}</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs the trial and adds its findings and settings to <paramref name="report"/>; the caller restores the field.</summary>
    public async Task RunAsync(ProbeReport report, ProbeArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(arguments);
        report.Add($"Import trial (bulkUpsert): sends dupeMethod={DupeMethod} ONLY (it never creates a prospect); every record names test prospect {arguments.ProspectId} and sets '{arguments.Field}'.");
        ImportRecordShape? accepted = null;
        foreach (var shape in Enum.GetValues<ImportRecordShape>())
        {
            var attempt = await TryAsync(shape, 1, arguments, cancellationToken);
            report.Add($"Import record shape {shape} ({Describe(shape)}): {attempt.Summary.TrimEnd('.')}.");
            if (attempt.StopsTrial is { } why)
            {
                report.Add($"Imports: {why}; per-record bulk writes stay off.");
                report.Recommend("Delivery__PerRecordBulk", "off");
                return;
            }

            if (attempt.Applied)
            {
                accepted = shape;
                break;
            }
        }

        if (accepted is not { } shapeToUse)
        {
            report.Add("Imports: NOT confirmed: no record shape changed the test prospect (read back after the import); imports are not confirmed on this org, so per-record bulk writes stay off.");
            report.Recommend("Delivery__PerRecordBulk", "off");
            return;
        }

        var largest = 1;
        foreach (var size in GroupSizes)
        {
            var attempt = await TryAsync(shapeToUse, size, arguments, cancellationToken);
            report.Add($"Import group of {size} (the test prospect's record repeated {size} times: safe, as {DupeMethod} cannot create and every copy sets the same value): {attempt.Summary.TrimEnd('.')}.");
            if (!attempt.AppliedFully)
            {
                break;
            }

            largest = size;
        }

        report.Add($"Imports: confirmed; the largest group tried that applied fully holds {largest} record(s).");
        report.Recommend("Outreach__ImportRecordShape", shapeToUse.ToString());
        report.Recommend("Delivery__PerRecordBulk", "auto");
        report.Recommend("Delivery__PerRecordBulkGroupSize", largest.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<Attempt> TryAsync(ImportRecordShape shape, int groupSize, ProbeArguments arguments, CancellationToken cancellationToken)
    {
        var value = FieldValue.FromString(string.Create(CultureInfo.InvariantCulture, $"probe-import-{shape}-{groupSize}-{timeProvider.GetUtcNow():HHmmss}"));
        var body = Body(shape, groupSize, arguments, value);

        // The last check, right before the send: only overwriteNoCreate, only the test prospect.
        if (SafetyProblem(body, arguments.ProspectId) is { } problem)
        {
            return new Attempt($"NOT sent: {problem}", Applied: false, AppliedFully: false, StopsTrial: "the probe refused its own request");
        }

        var remainingBefore = recorder.Last;
        var started = timeProvider.GetTimestamp();
        var posted = await sender.SendAsync("POST imports bulkUpsert", () => Request(body), null, cancellationToken);
        var cost = Cost(remainingBefore, recorder.Last);
        if (posted is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
        {
            return Refused(posted);
        }

        if (ImportStatus.Read(succeeded.Value) is not { } import)
        {
            return new Attempt($"accepted, but the answer names no import; cost: {cost}", false, false, null);
        }

        var (last, states, finished) = await FollowAsync(import, cancellationToken);
        var elapsed = timeProvider.GetElapsedTime(started);
        var applied = await ReadBackAsync(arguments, value, cancellationToken);
        if (!finished && applied && last.State is { } learned)
        {
            // The value landed, so the last state seen is a finished one this org uses: later trials stop on it.
            _finishedStates.Add(learned);
        }

        var fully = applied && finished && last.ErrorReason is null && (last.Failures ?? 0) == 0 && (last.Total ?? groupSize) == groupSize;
        var timing = finished
            ? string.Create(CultureInfo.InvariantCulture, $"finished in {elapsed.TotalSeconds:0.0} s")
            : string.Create(CultureInfo.InvariantCulture, $"did not reach a known finished state within {ImportTimeout.TotalSeconds:0} s");
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"import {import.Id} {timing}; states seen: {string.Join(" → ", states)}; total {Count(last.Total)}, failures {Count(last.Failures)}, dupes {Count(last.Dupes)}") +
            (last.ErrorReason is { } reason ? $", errorReason '{reason}'" : "") +
            $"; read-back: value {(applied ? "applied" : "NOT applied")}; cost: {cost}";
        return new Attempt(summary, applied, fully, null);
    }

    private async Task<(ImportStatus Last, List<string> States, bool Finished)> FollowAsync(ImportStatus import, CancellationToken cancellationToken)
    {
        var states = new List<string> { import.State ?? "(no state)" };
        var deadline = timeProvider.GetUtcNow() + ImportTimeout;
        var current = import;
        while (!IsFinished(current) && timeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, timeProvider, cancellationToken);
            var url = string.Create(CultureInfo.InvariantCulture, $"imports/{import.Id}");
            var read = await sender.SendAsync("GET import", () => new HttpRequestMessage(HttpMethod.Get, url), null, cancellationToken);
            if (read is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> answer || ImportStatus.Read(answer.Value) is not { } seen)
            {
                states.Add(read is OutreachCallOutcome.Permanent { IsMissingScope: true } ? "(GET /imports refused: imports.read missing)" : "(GET /imports failed)");
                return (current, states, false);
            }

            current = seen;
            if (current.State is { } state && states[^1] != state)
            {
                states.Add(state);
            }
        }

        return (current, states, IsFinished(current));
    }

    private bool IsFinished(ImportStatus import) => import.ErrorReason is not null || (import.State is { } state && _finishedStates.Contains(state));

    private async Task<bool> ReadBackAsync(ProbeArguments arguments, FieldValue expected, CancellationToken cancellationToken)
    {
        var reader = new OutreachProspectReader(sender, Options.Create(new OutreachBulkOptions { MaxIdsPerRead = 1 }), NullLogger<OutreachProspectReader>.Instance);
        var read = await reader.ReadAsync([arguments.ProspectId], [arguments.Field], null, cancellationToken);
        return read is OutreachCallOutcome.Succeeded<ProspectsRead> { Value.Prospects: [var prospect, ..] }
            && prospect.Attributes.TryGetValue(arguments.Field, out var value) && FieldValue.FromElement(value) == expected;
    }

    private static Attempt Refused(OutreachCallOutcome outcome) => outcome switch
    {
        OutreachCallOutcome.Permanent { IsMissingScope: true } p =>
            new Attempt($"refused: HTTP 403 {p.FirstError?.Id} (imports.write missing: re-connect with it)", false, false, "the token lacks the import scope"),
        OutreachCallOutcome.Permanent { StatusCode: 404 } =>
            new Attempt("refused: HTTP 404 (the org does not offer bulkUpsert)", false, false, "the endpoint is not available"),
        OutreachCallOutcome.Permanent p =>
            new Attempt(string.Create(CultureInfo.InvariantCulture, $"refused: HTTP {p.StatusCode} {p.FirstError?.Id} {p.FirstError?.SourcePointer} {p.FirstError?.Detail}").TrimEnd(), false, false, null),
        OutreachCallOutcome.RateLimited r => new Attempt($"rate limited until {r.RetryAt:O}", false, false, "the rate limit is used up; run the probe later"),
        OutreachCallOutcome.Unauthorized u => new Attempt(u.Reason, false, false, "the connection is not authorized"),
        OutreachCallOutcome.Transient t => new Attempt($"failed: {t.Reason}", false, false, null),
        OutreachCallOutcome.NotSent n => new Attempt($"not sent: {n.Reason}", false, false, null),
        _ => new Attempt("no answer", false, false, null),
    };

    /// <summary>
    /// The connector's own import body (<see cref="BulkUpsertRequest.Body"/>), so the trial confirms what delivery sends:
    /// the test prospect's record repeated <paramref name="groupSize"/> times, each setting the same value.
    /// </summary>
    internal static byte[] Body(ImportRecordShape shape, int groupSize, ProbeArguments arguments, FieldValue value)
    {
        var record = new ImportRecord(arguments.ProspectId, [new(arguments.Field, value)]);
        return BulkUpsertRequest.Body([.. Enumerable.Repeat(record, groupSize)], shape, "probe-outreach.json");
    }

    /// <summary>What is wrong with sending <paramref name="body"/>: the connector's own check (<see cref="BulkUpsertRequest.SafetyProblem"/>) for the test prospect alone.</summary>
    internal static string? SafetyProblem(byte[] body, long prospectId) =>
        BulkUpsertRequest.SafetyProblem(body, new HashSet<long> { prospectId }, string.Create(CultureInfo.InvariantCulture, $"test prospect {prospectId}"));

    private static HttpRequestMessage Request(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "imports/actions/bulkUpsert") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonApi;
        return request;
    }

    private static string Describe(ImportRecordShape shape) => shape == ImportRecordShape.Resource
        ? "bare resource object {\"type\":\"prospect\",\"id\":…,\"attributes\":{…}}"
        : "document {\"data\":{\"type\":\"prospect\",…}}";

    private static string Count(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "absent";

    private static string Cost(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var from = RateLimitHeaders.ParseCount(before.GetValueOrDefault(RateLimitHeaders.RemainingHeader));
        var to = RateLimitHeaders.ParseCount(after.GetValueOrDefault(RateLimitHeaders.RemainingHeader));
        return from is { } f && to is { } t ? string.Create(CultureInfo.InvariantCulture, $"X-RateLimit-Remaining dropped by {f - t}") : "unknown (no X-RateLimit-Remaining)";
    }

    /// <summary>One send of the trial: the line to report, whether the read-back showed the value, whether the whole group applied, and why the trial must stop (null to go on).</summary>
    private sealed record Attempt(string Summary, bool Applied, bool AppliedFully, string? StopsTrial);
}
