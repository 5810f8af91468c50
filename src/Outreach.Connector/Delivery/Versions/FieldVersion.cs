using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Versions;

/// <summary>The version of one field value: when AEP observed it, when its export was received, and a hash of the value.</summary>
/// <remarks>
/// Versions are ordered by observation time, then by receipt time (the tie-break "the later-received message wins").
/// The hash tells an already-applied value (same version, same hash) from a different value with the same version,
/// without storing attribute values in the version table.
/// </remarks>
/// <param name="ObservedAt">When AEP observed the value (<see cref="FieldChange.ObservedAt"/>).</param>
/// <param name="ReceivedAt">When the connector received the export that carried it (<see cref="ProspectUpdate.ReceivedAt"/>).</param>
/// <param name="ValueHash">A short hash of the value's JSON text.</param>
public readonly record struct FieldVersion(DateTimeOffset ObservedAt, DateTimeOffset ReceivedAt, string ValueHash)
{
    /// <summary>The version of a field change carried by an update received at <paramref name="receivedAt"/>.</summary>
    public static FieldVersion Of(FieldChange change, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(change.ObservedAt, receivedAt, HashOf(change.Value));
    }

    /// <summary>A short, stable hash of a value's JSON text (96 bits of SHA-256, base64): collisions are not a practical concern.</summary>
    public static string HashOf(FieldValue value)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value.Json ?? string.Empty), digest);
        return Convert.ToBase64String(digest[..12]);
    }

    /// <summary>The most an event time may lie ahead of its export's receipt before it is not believed (see <see cref="DeliveryOptions.MaxEventTimeSkew"/>).</summary>
    public static readonly TimeSpan DefaultMaxEventTimeSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True when <paramref name="observedAt"/> lies more than <paramref name="maxSkew"/> after <paramref name="receivedAt"/>:
    /// AEP cannot have observed a value after the connector received it, so such a time is a bad clock or a bad value
    /// (<c>9999-12-31T23:59:59Z</c>), and believing it would make every later, correct export of the field look stale.
    /// </summary>
    public static bool IsBeyondSkew(DateTimeOffset observedAt, DateTimeOffset receivedAt, TimeSpan maxSkew) => observedAt - receivedAt > maxSkew;

    /// <summary>
    /// This version, or, when its observation time is beyond <paramref name="maxSkew"/> (<see cref="IsBeyondSkew"/>),
    /// the same version observed at its receipt time. Applied to stored versions, it repairs a field frozen by a future
    /// time written before the check existed: the next export received later is newer again.
    /// </summary>
    public FieldVersion WithinSkew(TimeSpan maxSkew) => IsBeyondSkew(ObservedAt, ReceivedAt, maxSkew) ? this with { ObservedAt = ReceivedAt } : this;

    /// <summary>Orders versions: by observation time, then receipt time. The hash does not take part.</summary>
    public int CompareOrder(FieldVersion other)
    {
        var byObservation = ObservedAt.CompareTo(other.ObservedAt);
        return byObservation != 0 ? byObservation : ReceivedAt.CompareTo(other.ReceivedAt);
    }

    /// <summary>The compact text stored in the version table: <c>observedMs|receivedMs|hash</c>.</summary>
    internal string Encode() => string.Create(
        CultureInfo.InvariantCulture, $"{ObservedAt.ToUnixTimeMilliseconds()}|{ReceivedAt.ToUnixTimeMilliseconds()}|{ValueHash}");

    /// <summary>Reads the text written by <see cref="Encode"/>; false for anything else.</summary>
    internal static bool TryDecode(string? text, out FieldVersion version)
    {
        version = default;
        var parts = text?.Split('|');
        if (parts is not { Length: 3 }
            || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var observed)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var received))
        {
            return false;
        }

        try
        {
            version = new(DateTimeOffset.FromUnixTimeMilliseconds(observed), DateTimeOffset.FromUnixTimeMilliseconds(received), parts[2]);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
