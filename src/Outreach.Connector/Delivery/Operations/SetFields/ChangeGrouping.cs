using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Items whose remaining change is identical, written with one bulk action; at most the configured number of ids.</summary>
/// <typeparam name="T">What the caller keeps per prospect (its coalesced update, its messages…).</typeparam>
/// <param name="Change">The field→value set every item of the chunk needs.</param>
/// <param name="Items">The prospects' items, in input order, each with a distinct prospect id.</param>
public sealed record BulkChunk<T>(IReadOnlyDictionary<string, FieldValue> Change, IReadOnlyList<T> Items);

/// <summary>What <see cref="ChangeGrouping.Plan"/> decided: chunks for bulk actions, and the items that go one PATCH each.</summary>
/// <typeparam name="T">The caller's per-prospect item.</typeparam>
/// <param name="Chunks">Bulk actions to send, each with an identical change.</param>
/// <param name="Singles">Items whose change no group shares often enough, in input order.</param>
public sealed record BulkPlan<T>(IReadOnlyList<BulkChunk<T>> Chunks, IReadOnlyList<T> Singles);

/// <summary>Groups prospects by identical remaining change (the same set of field→value) for bulk actions.</summary>
/// <remarks>
/// A bulk action applies one change to every id it names, so only prospects that need exactly the same change can
/// share one: typically a <c>customN</c> audience status. Values compare by their JSON text, as everywhere in delivery.
/// A group is cut into chunks of at most <c>maxIdsPerCall</c>; a group (or a last remainder) smaller than
/// <c>minPerCall</c> costs as many requests as PATCHes would and goes to the PATCH path instead.
/// </remarks>
public static class ChangeGrouping
{
    /// <summary>Plans bulk chunks and single PATCHes for <paramref name="items"/>.</summary>
    public static BulkPlan<T> Plan<T>(
        IEnumerable<T> items,
        Func<T, long> prospectId,
        Func<T, IReadOnlyDictionary<string, FieldValue>> change,
        int maxIdsPerCall,
        int minPerCall)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(prospectId);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdsPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPerCall, 1);

        var groups = new Dictionary<string, (IReadOnlyDictionary<string, FieldValue> Change, List<T> Items)>(StringComparer.Ordinal);
        var order = new List<string>();
        var seen = new HashSet<long>();
        var singles = new List<T>();
        foreach (var item in items)
        {
            var fields = change(item);
            if (fields.Count == 0)
            {
                throw new ArgumentException("Every item needs at least one field to write.", nameof(items));
            }

            if (!seen.Add(prospectId(item)))
            {
                // Two writes of one prospect in one plan could reach Outreach in either order.
                throw new ArgumentException($"Prospect {prospectId(item)} appears twice; coalesce first.", nameof(items));
            }

            var key = KeyOf(fields);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (fields, []);
                groups.Add(key, group);
                order.Add(key);
            }

            group.Items.Add(item);
        }

        var chunks = new List<BulkChunk<T>>();
        foreach (var key in order)
        {
            var (fields, members) = groups[key];
            foreach (var chunk in members.Chunk(maxIdsPerCall))
            {
                if (chunk.Length >= minPerCall)
                {
                    chunks.Add(new BulkChunk<T>(fields, chunk));
                }
                else
                {
                    singles.AddRange(chunk);
                }
            }
        }

        return new BulkPlan<T>(chunks, singles);
    }

    // An unambiguous text for a field→value set: names sorted ordinally, each name and JSON value length-prefixed.
    internal static string KeyOf(IReadOnlyDictionary<string, FieldValue> fields) =>
        string.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => $"{f.Key.Length}:{f.Key}{f.Value.Json?.Length ?? 0}:{f.Value.Json}"));
}
