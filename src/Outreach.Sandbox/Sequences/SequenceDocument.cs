using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Sequences;

/// <summary>Writes sequences, mailboxes and sequence states as Outreach's JSON:API resources (docs/reference/outreach-sequences.md).</summary>
/// <remarks>
/// Only the attributes a client needs to decide whether it may enrol are written (<c>enabled</c>, the step kinds,
/// <c>sendDisabled</c>, <c>state</c>); a real resource has many more.
/// </remarks>
internal static class SequenceDocument
{
    public static async Task WriteOneAsync<T>(HttpContext context, T resource, Action<Utf8JsonWriter, T, HttpRequest> write, int status = StatusCodes.Status200OK)
    {
        await using var writer = JsonApiDocument.Start(context);
        // A create answers 201; nothing is written yet, so the status can still change.
        context.Response.StatusCode = status;
        writer.WriteStartObject();
        writer.WritePropertyName("data");
        write(writer, resource, context.Request);
        writer.WriteEndObject();
    }

    public static Task WriteListAsync<T>(HttpContext context, IEnumerable<T> resources, Action<Utf8JsonWriter, T, HttpRequest> write, string? next) =>
        JsonApiDocument.WriteListAsync(context, resources, (writer, resource) => write(writer, resource, context.Request), next);

    public static void WriteSequence(Utf8JsonWriter writer, SandboxSequence sequence, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "sequence");
        writer.WriteNumber("id", sequence.Id);
        writer.WriteStartObject("attributes");
        writer.WriteString("name", sequence.Name);
        writer.WriteBoolean("enabled", sequence.Enabled);
        // Outreach has no "has email steps" flag; its steps say it (sequenceSteps' stepType). The sandbox writes the
        // step count and a one-step-per-kind list at /sequenceSteps.
        writer.WriteNumber("sequenceStepCount", 1);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", Link(request, "sequences", sequence.Id));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The sandbox's one step of a sequence: <c>auto_email</c> when it has email steps, else <c>call</c>.</summary>
    public static void WriteStep(Utf8JsonWriter writer, SandboxSequence sequence, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "sequenceStep");
        writer.WriteNumber("id", sequence.Id);
        writer.WriteStartObject("attributes");
        writer.WriteNumber("order", 1);
        writer.WriteString("stepType", sequence.HasEmailSteps ? "auto_email" : "call");
        writer.WriteEndObject();
        writer.WriteStartObject("relationships");
        WriteRelationship(writer, "sequence", "sequence", sequence.Id);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", Link(request, "sequenceSteps", sequence.Id));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteMailbox(Utf8JsonWriter writer, SandboxMailbox mailbox, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "mailbox");
        writer.WriteNumber("id", mailbox.Id);
        writer.WriteStartObject("attributes");
        writer.WriteString("email", mailbox.Email);
        writer.WriteBoolean("sendDisabled", !mailbox.SendingEnabled);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", Link(request, "mailboxes", mailbox.Id));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteState(Utf8JsonWriter writer, SequenceStateSnapshot state, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "sequenceState");
        writer.WriteNumber("id", state.Id);
        writer.WriteStartObject("attributes");
        writer.WriteString("state", state.State);
        writer.WriteString("stateChangedAt", Time(state.StateChangedAt));
        writer.WriteString("createdAt", Time(state.CreatedAt));
        writer.WriteString("updatedAt", Time(state.StateChangedAt));
        writer.WriteEndObject();
        writer.WriteStartObject("relationships");
        WriteRelationship(writer, "prospect", "prospect", state.ProspectId);
        WriteRelationship(writer, "sequence", "sequence", state.SequenceId);
        WriteRelationship(writer, "mailbox", "mailbox", state.MailboxId);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", Link(request, "sequenceStates", state.Id));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteRelationship(Utf8JsonWriter writer, string name, string type, long id)
    {
        writer.WriteStartObject(name);
        writer.WriteStartObject("data");
        writer.WriteString("type", type);
        writer.WriteNumber("id", id);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Link(HttpRequest request, string collection, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}/api/v2/{collection}/{id}");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
