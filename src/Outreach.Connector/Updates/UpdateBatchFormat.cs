using System.Buffers;
using System.Text.Json;

namespace Outreach.Connector.Updates;

/// <summary>
/// A queue message that carries several updates of one export: a JSON array of the objects
/// <see cref="ProspectUpdateFormat"/> writes. One message per export instead of one per profile is ten times fewer
/// queue writes at ingest and deletes at the drain, which is what keeps ingest's answer fast on a busy storage account
/// (the Storage queue of the standalone runtime; Service Bus keeps one message per update for its duplicate detection).
/// </summary>
/// <remarks>A reader also accepts a message holding a single object, so messages written before batches still drain.</remarks>
public static class UpdateBatchFormat
{
    /// <summary>
    /// The most UTF-8 bytes one message carries. A Storage queue message may hold 64 KiB; the client sends the text inside
    /// XML, which escapes quotes and ampersands, so a batch stays well below.
    /// </summary>
    public const int MaxMessageBytes = 32 * 1024;

    /// <summary>Writes updates as few messages as their size allows, in order; each message is a JSON array.</summary>
    /// <param name="updates">The updates (at least one).</param>
    /// <param name="maxMessageBytes">The most bytes per message; an update larger than this travels alone.</param>
    public static IReadOnlyList<string> Serialize(IReadOnlyList<QueuedUpdate> updates, int maxMessageBytes = MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 16);
        var messages = new List<string>();
        var pending = new List<byte[]>();
        var pendingBytes = 2;
        foreach (var queued in updates)
        {
            var item = ProspectUpdateFormat.Serialize(queued.Update, queued.AttemptsUsed);
            if (pending.Count > 0 && pendingBytes + 1 + item.Length > maxMessageBytes)
            {
                messages.Add(Join(pending));
                pending.Clear();
                pendingBytes = 2;
            }

            pending.Add(item);
            pendingBytes += item.Length + (pending.Count > 1 ? 1 : 0);
        }

        if (pending.Count > 0)
        {
            messages.Add(Join(pending));
        }

        return messages;
    }

    /// <summary>Reads every update of a message: a JSON array of updates, or one update.</summary>
    /// <exception cref="FormatException">The message, or any update in it, is not one this version understands.</exception>
    public static IReadOnlyList<QueuedUpdate> Deserialize(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return [ProspectUpdateFormat.ReadQueued(root)];
            }

            if (root.GetArrayLength() == 0)
            {
                throw new FormatException("The queue message is an empty list of updates.");
            }

            return [.. root.EnumerateArray().Select(ProspectUpdateFormat.ReadQueued)];
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string Join(List<byte[]> items)
    {
        var buffer = new ArrayBufferWriter<byte>(items.Sum(i => i.Length + 1) + 2);
        buffer.Write("["u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            buffer.Write(items[i]);
        }

        buffer.Write("]"u8);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
