using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// Reads a received body as the queued prospect updates it carries (one, or the updates of one export as
/// <see cref="UpdateBatchFormat"/> writes them), tolerating one JSON-string layer too many.
/// </summary>
public static class QueuedUpdateDecoder
{
    /// <summary>
    /// Reads the body; when it is not an update but a JSON string (a body quoted once too often, as a host or a
    /// hand-written test message may do), reads the string's content once more.
    /// </summary>
    /// <returns>True with the updates (at least one), or false with why the body is not updates.</returns>
    public static bool TryDecode(BinaryData body, out IReadOnlyList<QueuedUpdate> queued, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            queued = UpdateBatchFormat.Deserialize(body.ToMemory());
            problem = null;
            return true;
        }
        catch (FormatException ex)
        {
            if (Unquoted(body) is { } inner)
            {
                return TryDecode(BinaryData.FromString(inner), out queued, out problem);
            }

            queued = [];
            problem = ex.Message;
            return false;
        }
    }

    private static string? Unquoted(BinaryData body)
    {
        var text = body.ToString();
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '"')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
