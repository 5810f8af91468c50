using System.Buffers;
using System.Text.Json;

namespace Outreach.Connector.Updates;

/// <summary>
/// Reads and writes the queue message that carries one <see cref="ProspectUpdate"/>: compact, versioned JSON.
/// </summary>
/// <remarks>
/// Shape (times are Unix epoch milliseconds, so they round-trip exactly and stay short):
/// <code>{"v":1,"p":123,"r":1740910500000,"f":{"custom1":{"v":"realized","t":1740910500000,"a":"aud-1"}},"tp":"00-…","n":2}</code>
/// An update that names its prospect only by email (version 2) carries <c>"e":"ada@example.com"</c> instead of
/// <c>p</c>; every other update is still written as version 1, so a build that predates emails reads it during a
/// rolling deployment and refuses (rather than misreads) only the email messages.
/// <c>n</c>, present only on a re-enqueued copy, is the delivery attempts the update has already used, so a copy
/// scheduled for later keeps its count towards the poison limit.
/// Readers ignore properties they do not know, so a newer writer can add optional data; a message whose
/// schema version is newer than <see cref="ProspectUpdate.CurrentSchemaVersion"/> is refused rather than
/// half-understood.
/// </remarks>
public static class ProspectUpdateFormat
{
    private const int EmailSchemaVersion = 2;

    /// <summary>Serializes an update to its queue message bytes (UTF-8 JSON).</summary>
    /// <param name="update">The update.</param>
    /// <param name="attemptsUsed">Delivery attempts already used, for a re-enqueued copy; 0 for a new message.</param>
    public static byte[] Serialize(ProspectUpdate update, int attemptsUsed = 0)
    {
        ArgumentNullException.ThrowIfNull(update);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, update, attemptsUsed);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes an update to its queue message text.</summary>
    /// <param name="update">The update.</param>
    /// <param name="attemptsUsed">Delivery attempts already used, for a re-enqueued copy; 0 for a new message.</param>
    public static string SerializeToString(ProspectUpdate update, int attemptsUsed = 0) =>
        System.Text.Encoding.UTF8.GetString(Serialize(update, attemptsUsed));

    /// <summary>Writes an update as one JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="update">The update.</param>
    /// <param name="attemptsUsed">Delivery attempts already used, for a re-enqueued copy; 0 for a new message.</param>
    public static void Write(Utf8JsonWriter writer, ProspectUpdate update, int attemptsUsed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsUsed);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(update);
        writer.WriteStartObject();
        if (update.ProspectId > 0)
        {
            writer.WriteNumber("v", 1);
            writer.WriteNumber("p", update.ProspectId);
        }
        else
        {
            writer.WriteNumber("v", EmailSchemaVersion);
            writer.WriteString("e", update.Email ?? throw new ArgumentException("An update needs a prospect id or an email.", nameof(update)));
        }

        writer.WriteNumber("r", update.ReceivedAt.ToUnixTimeMilliseconds());
        writer.WriteStartObject("f");
        foreach (var (name, change) in update.Fields)
        {
            writer.WriteStartObject(name);
            writer.WritePropertyName("v");
            change.Value.WriteTo(writer);
            writer.WriteNumber("t", change.ObservedAt.ToUnixTimeMilliseconds());
            if (change.AudienceId is not null)
            {
                writer.WriteString("a", change.AudienceId);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        if (update.TraceParent is not null)
        {
            writer.WriteString("tp", update.TraceParent);
        }

        if (attemptsUsed > 0)
        {
            writer.WriteNumber("n", attemptsUsed);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads an update from its queue message text.</summary>
    /// <exception cref="FormatException">The message is not a prospect update this version understands.</exception>
    public static ProspectUpdate Deserialize(string message) => DeserializeQueued(message).Update;

    /// <summary>Reads an update from its queue message bytes.</summary>
    /// <exception cref="FormatException">The message is not a prospect update this version understands.</exception>
    public static ProspectUpdate Deserialize(ReadOnlyMemory<byte> message) => DeserializeQueued(message).Update;

    /// <summary>Reads an update and the attempts it already used from its queue message text.</summary>
    /// <exception cref="FormatException">The message is not a prospect update this version understands.</exception>
    public static QueuedUpdate DeserializeQueued(string message) => DeserializeQueued(System.Text.Encoding.UTF8.GetBytes(message));

    /// <summary>Reads an update and the attempts it already used from its queue message bytes.</summary>
    /// <exception cref="FormatException">The message is not a prospect update this version understands.</exception>
    public static QueuedUpdate DeserializeQueued(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            return ReadQueued(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Reads an update and the attempts it already used from a parsed JSON object.</summary>
    /// <exception cref="FormatException">The element is not a prospect update this version understands.</exception>
    public static QueuedUpdate ReadQueued(JsonElement root)
    {
        var update = Read(root);
        var attempts = root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var used) && used > 0 ? used : 0;
        return new QueuedUpdate(update, attempts);
    }

    /// <summary>Reads an update from a parsed JSON object.</summary>
    /// <exception cref="FormatException">The element is not a prospect update this version understands.</exception>
    public static ProspectUpdate Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A prospect update message must be a JSON object.");
        }

        var version = RequiredInt64(root, "v");
        if (version < 1 || version > ProspectUpdate.CurrentSchemaVersion)
        {
            throw new FormatException(
                $"Prospect update schema version {version} is not supported (this build reads 1 to {ProspectUpdate.CurrentSchemaVersion}).");
        }

        var (prospectId, email) = ReadProspect(root, version);

        var receivedAt = RequiredTime(root, "r");
        if (!root.TryGetProperty("f", out var fieldsElement) || fieldsElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A prospect update must carry an object of fields under \"f\".");
        }

        var fields = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        foreach (var field in fieldsElement.EnumerateObject())
        {
            fields[field.Name] = ReadChange(field);
        }

        var traceParent = root.TryGetProperty("tp", out var tp) && tp.ValueKind == JsonValueKind.String ? tp.GetString() : null;
        return new ProspectUpdate(prospectId, fields, receivedAt) { TraceParent = traceParent, Email = email };
    }

    // Version 1 always names a positive prospect id; version 2 names an id, an email, or both (the id wins).
    private static (long ProspectId, string? Email) ReadProspect(JsonElement root, long version)
    {
        var email = version >= EmailSchemaVersion && root.TryGetProperty("e", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (email is not null && !root.TryGetProperty("p", out _))
        {
            return email.Length > 0 ? (0, email) : throw new FormatException("A prospect update must name a prospect id or a non-empty email.");
        }

        var prospectId = RequiredInt64(root, "p");
        return prospectId > 0 ? (prospectId, email) : throw new FormatException("A prospect update must name a positive prospect id.");
    }

    private static FieldChange ReadChange(JsonProperty field)
    {
        var change = field.Value;
        if (change.ValueKind != JsonValueKind.Object || !change.TryGetProperty("v", out var value))
        {
            throw new FormatException($"Field \"{field.Name}\" must be an object with a value under \"v\".");
        }

        var observedAt = RequiredTime(change, "t");
        var audienceId = change.TryGetProperty("a", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return new FieldChange(FieldValue.FromElement(value), observedAt, audienceId);
    }

    private static DateTimeOffset RequiredTime(JsonElement element, string name)
    {
        var milliseconds = RequiredInt64(element, name);
        if (milliseconds < 0 || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new FormatException($"Property \"{name}\" must be a time in Unix epoch milliseconds.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    private static long RequiredInt64(JsonElement element, string name)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetInt64(out var number))
        {
            return number;
        }

        throw new FormatException($"Property \"{name}\" must be an integer.");
    }
}
