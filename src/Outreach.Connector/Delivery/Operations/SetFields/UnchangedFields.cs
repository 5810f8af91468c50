using System.Text.Json;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Finds the fields whose value Outreach already holds, so they are not sent again.</summary>
/// <remarks>
/// The trade-off (<c>Delivery__ResendUnchanged</c>, default false): a re-export of the value last written or read back
/// is not sent, which saves a request per unchanged field but means a manual edit made in Outreach since is not
/// overwritten by that re-export; the next export with a different value is written as always. The version of a
/// skipped field is still recorded, so an older, different value arriving later is recognised as stale.
/// </remarks>
public static class UnchangedFields
{
    /// <summary>
    /// Of the fresh fields (newer than what was applied), those whose value hash equals the applied one: Outreach
    /// holds that value already.
    /// </summary>
    public static IReadOnlyDictionary<string, CoalescedField> AlreadyApplied(
        IReadOnlyDictionary<string, CoalescedField> fresh, IReadOnlyDictionary<string, FieldVersion> applied)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(applied);
        return fresh
            .Where(pair => applied.TryGetValue(pair.Key, out var stored)
                           && pair.Value.Version.CompareOrder(stored) >= 0
                           && string.Equals(pair.Value.Version.ValueHash, stored.ValueHash, StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
    }

    /// <summary>Of the fresh fields, those whose value equals what Outreach returned for the prospect (<paramref name="held"/>).</summary>
    public static IReadOnlyDictionary<string, CoalescedField> SameInOutreach(
        IReadOnlyDictionary<string, CoalescedField> fresh, IReadOnlyDictionary<string, FieldValue> held)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(held);
        return fresh
            .Where(pair => held.TryGetValue(pair.Key, out var value) && SameValue(pair.Value.Change.Value, value))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
    }

    /// <summary>The fields of <paramref name="fields"/> not in <paramref name="drop"/>.</summary>
    public static IReadOnlyDictionary<string, CoalescedField> Without(
        IReadOnlyDictionary<string, CoalescedField> fields, IReadOnlyDictionary<string, CoalescedField> drop)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(drop);
        return fields.Where(pair => !drop.ContainsKey(pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// True when two values mean the same to Outreach, whatever their JSON spelling: strings by their text (escapes
    /// decoded), numbers by value, arrays element by element, everything else by its compact JSON.
    /// </summary>
    public static bool SameValue(FieldValue a, FieldValue b)
    {
        if (string.Equals(a.Json, b.Json, StringComparison.Ordinal))
        {
            return true;
        }

        if (string.IsNullOrEmpty(a.Json) || string.IsNullOrEmpty(b.Json))
        {
            return false;
        }

        try
        {
            using var left = JsonDocument.Parse(a.Json);
            using var right = JsonDocument.Parse(b.Json);
            return SameElement(left.RootElement, right.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool SameElement(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            JsonValueKind.Number => a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x == y : a.GetDouble().Equals(b.GetDouble()),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength()
                                   && a.EnumerateArray().Zip(b.EnumerateArray()).All(pair => SameElement(pair.First, pair.Second)),
            JsonValueKind.Object => JsonElement.DeepEquals(a, b),
            _ => true,
        };
    }
}
