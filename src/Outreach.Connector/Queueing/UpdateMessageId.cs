using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing;

/// <summary>
/// The Service Bus <c>MessageId</c> of an update Ingest queues: a SHA-256 of what the update says (prospect, field
/// names, values, audiences and AEP's versions), so the same export posted again by AEP (its retries) gets the same
/// ids and the queue's duplicate detection drops the copies.
/// </summary>
/// <remarks>
/// <para>Left out: the receipt time, the trace and every version that is only the receipt time (mapped attributes, and
/// audiences without <c>lastQualificationTime</c>, are stamped with it): a retry arrives later and would otherwise
/// never match. Kept: <c>lastQualificationTime</c> versions, so an audience that changes again gets a new id.</para>
/// <para>Consequence: an update identical in every value to one queued within the duplicate detection window is
/// dropped. That is a retry in practice; the one case it is not (a value changing and changing back inside the window,
/// with no audience version moving) is why the window is kept short (infra: 10 minutes).</para>
/// <para>A hash, so no personal data appears in the id; <c>u1-</c> names this recipe, should it ever change.</para>
/// </remarks>
public static class UpdateMessageId
{
    /// <summary>The prefix of every id made by this recipe.</summary>
    public const string Prefix = "u1-";

    /// <summary>The id of an update: <c>u1-</c> and 64 lower-case hex digits.</summary>
    public static string For(ProspectUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // A canonical JSON form: fields sorted by name, each as [name, value, audience, version].
            writer.WriteStartArray();
            writer.WriteNumberValue(update.ProspectId);
            foreach (var (name, change) in update.Fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                change.Value.WriteTo(writer);
                writer.WriteStringValue(change.AudienceId);
                if (change.ObservedAt == update.ReceivedAt)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteNumberValue(change.ObservedAt.ToUnixTimeMilliseconds());
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Prefix + Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
