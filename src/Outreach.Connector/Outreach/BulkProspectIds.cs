using System.Collections;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The prospects one bulk action may touch: never empty, positive ids, distinct and ascending. A bulk action without
/// ids would modify EVERY prospect of the organisation, so an empty set cannot be constructed.
/// </summary>
public sealed class BulkProspectIds : IReadOnlyList<long>
{
    private readonly long[] _ids;

    /// <summary>Takes the ids (duplicates dropped, sorted).</summary>
    /// <exception cref="ArgumentException">No id, or an id that is not positive.</exception>
    public BulkProspectIds(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = [.. ids.Distinct().Order()];
        if (_ids.Length == 0)
        {
            throw new ArgumentException("A bulk action needs at least one prospect id: without one it would modify every prospect.", nameof(ids));
        }

        if (_ids[0] <= 0)
        {
            throw new ArgumentException("Prospect ids are positive.", nameof(ids));
        }
    }

    /// <inheritdoc />
    public int Count => _ids.Length;

    /// <inheritdoc />
    public long this[int index] => _ids[index];

    /// <summary>Splits ids into sets of at most <paramref name="maxPerSet"/>; no set is empty, and no ids give no sets.</summary>
    public static IReadOnlyList<BulkProspectIds> Chunk(IEnumerable<long> ids, int maxPerSet)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerSet);
        return [.. ids.Distinct().Order().Chunk(maxPerSet).Select(chunk => new BulkProspectIds(chunk))];
    }

    /// <inheritdoc />
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)_ids).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
