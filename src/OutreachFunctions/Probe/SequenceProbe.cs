using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Probe;

/// <summary>
/// <c>probe-outreach --sequence-id S --mailbox-id M</c>: checks, READ-ONLY, that the sequence exists and is enabled, that
/// the mailbox exists and may send, and that the token's scopes allow enrolment (docs/probe.md).
/// </summary>
/// <remarks>
/// It only sends GETs: enrolling starts a sequence's automation (real emails), so a check must never enrol anyone
/// (docs/reference/outreach-sequences.md). Whether the token may WRITE sequence states can therefore only be read from
/// the scopes the token response granted, not tried.
/// </remarks>
public sealed class SequenceProbe(OutreachApiSender sender, ITokenStore tokenStore, IOptions<TokenOptions> tokenOptions, IOptions<OutreachOptions> outreachOptions)
{
    /// <summary>The scopes enrolment and its follow-up need: one by POST, many by the bulk action, reading and finishing states on exit.</summary>
    public static readonly IReadOnlyList<string> EnrolmentScopes =
        ["sequences.read", "mailboxes.read", "sequenceStates.read", "sequenceStates.write", "batches.read", "batches.write", "prospects.write"];

    /// <summary>Runs the checks and adds them to <paramref name="report"/>, with <see cref="ProbeReport.SequenceReady"/> as the verdict.</summary>
    public async Task CheckAsync(ProbeReport report, long sequenceId, long mailboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add($"Sequence check (read-only, nobody is enrolled): sequence {sequenceId}, mailbox {mailboxId}.");
        var problems = new List<string>();
        var missingScopes = await CheckScopesAsync(report, cancellationToken);

        var sequence = await GetAsync($"sequences/{sequenceId}", "GET sequence", cancellationToken);
        switch (sequence)
        {
            case OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> found:
                var (name, enabled) = ReadSequence(found.Value);
                var emails = await HasEmailStepsAsync(sequenceId, cancellationToken);
                report.Add($"Sequence {sequenceId} ('{name}'): {(enabled ? "enabled" : "DISABLED")}; email steps: {emails}.");
                if (!enabled)
                {
                    problems.Add("the sequence is disabled: enable it in Outreach before enrolling");
                }

                break;
            default:
                problems.Add($"the sequence cannot be read: {Describe(sequence, "sequences.read")}");
                report.Add($"Sequence {sequenceId}: {Describe(sequence, "sequences.read")}.");
                break;
        }

        var mailbox = await GetAsync($"mailboxes/{mailboxId}", "GET mailbox", cancellationToken);
        switch (mailbox)
        {
            case OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> found:
                var (email, maySend) = ReadMailbox(found.Value);
                report.Add($"Mailbox {mailboxId} ({(email is null ? "no email" : MaskedEmail.Mask(email))}): {(maySend ? "may send" : "may NOT send (sendDisabled)")}.");
                if (!maySend)
                {
                    problems.Add("the mailbox may not send: choose a mailbox that can");
                }

                break;
            default:
                problems.Add($"the mailbox cannot be read: {Describe(mailbox, "mailboxes.read")}");
                report.Add($"Mailbox {mailboxId}: {Describe(mailbox, "mailboxes.read")}.");
                break;
        }

        // Reading the sequence's states is what finishing or pausing on exit needs; one page of one state, a read.
        var states = await GetAsync($"sequenceStates?filter[sequence][id]={sequenceId}&page[size]=1", "GET sequenceStates", cancellationToken);
        report.Add(states is OutreachCallOutcome.Succeeded
            ? "sequenceStates.read: granted (the sequence's states were read)."
            : $"sequenceStates.read: reading the sequence's states failed: {Describe(states, "sequenceStates.read")}.");
        if (states is not OutreachCallOutcome.Succeeded)
        {
            problems.Add("the sequence's states cannot be read (needed to finish or pause on exit)");
        }

        if (missingScopes is null)
        {
            problems.Add("the granted scopes are not stored, so sequenceStates.write cannot be confirmed without enrolling: re-connect");
        }
        else if (missingScopes.Count > 0)
        {
            problems.Add("the token lacks " + string.Join(", ", missingScopes) + ": re-connect with them");
            report.Recommend("Outreach__Scopes", string.Join(' ', outreachOptions.Value.ScopeList.Union(missingScopes, StringComparer.Ordinal)));
        }

        report.SequenceReady = problems.Count == 0;
        report.Add(problems.Count == 0
            ? $"Sequence {sequenceId} with mailbox {mailboxId}: ready for enrolment. Mapping for an audience: \"sequence\": {{ \"id\": {sequenceId}, \"mailboxId\": {mailboxId}, \"onExit\": \"none\" }}"
            : $"Sequence {sequenceId} with mailbox {mailboxId}: NOT ready for enrolment: {string.Join("; ", problems)}.");
    }

    /// <summary>Reports each enrolment scope as granted or missing; null when the token response's scopes are not stored.</summary>
    private async Task<List<string>?> CheckScopesAsync(ProbeReport report, CancellationToken cancellationToken)
    {
        var stored = await tokenStore.GetAsync(tokenOptions.Value.ConnectionName, cancellationToken);
        if (stored?.Tokens.Scope is not { Length: > 0 } scope)
        {
            report.Add($"Scopes granted: not stored for connection '{tokenOptions.Value.ConnectionName}'; the reads below show the read scopes.");
            return null;
        }

        var granted = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        // Scopes are not additive: write gives no read; <resource>.all covers both (docs/reference/outreach-api.md §1).
        var missing = EnrolmentScopes.Where(needed => !granted.Contains(needed) && !granted.Contains(needed[..needed.IndexOf('.', StringComparison.Ordinal)] + ".all")).ToList();
        report.Add(missing.Count == 0
            ? $"Scopes for enrolment (token response): all granted ({string.Join(' ', EnrolmentScopes)})."
            : $"Scopes for enrolment (token response): missing {string.Join(' ', missing)}.");
        return missing;
    }

    private async Task<string> HasEmailStepsAsync(long sequenceId, CancellationToken cancellationToken)
    {
        // Outreach says it in the steps (stepType auto_email / manual_email), not on the sequence.
        var steps = await GetAsync($"sequenceSteps?filter[sequence][id]={sequenceId}", "GET sequenceSteps", cancellationToken);
        if (steps is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> read)
        {
            return "unknown (its steps could not be read)";
        }

        using var document = JsonDocument.Parse(read.Value);
        var types = document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Select(step => Text(step.TryGetProperty("attributes", out var attributes) ? attributes : null, "stepType")).OfType<string>().ToList()
            : [];
        return types.Any(type => type.Contains("email", StringComparison.OrdinalIgnoreCase))
            ? "yes (opted-out prospects and prospects without an email will be refused)"
            : types.Count == 0 ? "unknown (no steps read)" : "no";
    }

    private Task<OutreachCallOutcome> GetAsync(string url, string operation, CancellationToken cancellationToken) =>
        sender.SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative)), null, cancellationToken);

    private static (string Name, bool Enabled) ReadSequence(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var attributes = Attributes(document.RootElement);
        return (Text(attributes, "name") ?? "(no name)", attributes?.TryGetProperty("enabled", out var enabled) == true && enabled.ValueKind == JsonValueKind.True);
    }

    private static (string? Email, bool MaySend) ReadMailbox(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var attributes = Attributes(document.RootElement);
        // A mailbox may send unless Outreach says sendDisabled: true.
        var disabled = attributes?.TryGetProperty("sendDisabled", out var flag) == true && flag.ValueKind == JsonValueKind.True;
        return (Text(attributes, "email"), !disabled);
    }

    private static JsonElement? Attributes(JsonElement root) =>
        root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("attributes", out var attributes)
            ? attributes
            : null;

    private static string? Text(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;

    private static string Describe(OutreachCallOutcome outcome, string readScope) => outcome switch
    {
        OutreachCallOutcome.Permanent { StatusCode: 404 } => "it does not exist (404)",
        OutreachCallOutcome.Permanent { IsMissingScope: true } => $"refused (403: {readScope} missing?)",
        OutreachCallOutcome.Permanent p => string.Create(CultureInfo.InvariantCulture, $"refused (HTTP {p.StatusCode} {p.FirstError?.Id})"),
        OutreachCallOutcome.RateLimited r => $"rate limited until {r.RetryAt:O}",
        OutreachCallOutcome.Transient t => t.Reason,
        OutreachCallOutcome.Unauthorized u => u.Reason,
        OutreachCallOutcome.NotSent n => n.Reason,
        _ => "no answer",
    };
}
