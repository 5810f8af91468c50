using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>The in-memory prospects: ids 1..N with seeded values, changed by PATCH; one lock per prospect.</summary>
/// <remarks>
/// A seeded prospect is only materialized when first touched, so a benchmark can seed millions of ids without
/// paying for them up front; its seeded values are a pure function of its id.
/// </remarks>
internal sealed class ProspectStore
{
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];

    private readonly ProspectOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Prospect> _prospects = new();
    private long _seededAtTicks;
    private long _patched;

    public ProspectStore(IOptions<SandboxOptions> options, TimeProvider time)
    {
        _options = options.Value.Prospects;
        _time = time;
        _seededAtTicks = time.GetUtcNow().UtcTicks;
    }

    /// <summary>Successful PATCHes since start or the last reset.</summary>
    public long Patched => Interlocked.Read(ref _patched);

    public ProspectSnapshot? Get(long id) => Find(id)?.Snapshot();

    /// <summary>Sets the given attributes (only those) and returns the updated prospect; null when it does not exist.</summary>
    public ProspectSnapshot? Apply(long id, IReadOnlyList<KeyValuePair<string, JsonElement>> changes)
    {
        if (Find(id) is not { } prospect)
        {
            return null;
        }

        var snapshot = prospect.Apply(changes, _time.GetUtcNow());
        Interlocked.Increment(ref _patched);
        return snapshot;
    }

    /// <summary>Goes back to the seeded prospects.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _seededAtTicks, _time.GetUtcNow().UtcTicks);
        _prospects.Clear();
        Interlocked.Exchange(ref _patched, 0);
    }

    private Prospect? Find(long id) => id >= 1 && id <= _options.SeedCount ? _prospects.GetOrAdd(id, Seed) : null;

    private Prospect Seed(long id)
    {
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["firstName"] = Element(FirstNames[(id - 1) % FirstNames.Length]),
            ["lastName"] = Element(string.Create(CultureInfo.InvariantCulture, $"Sandbox{id}")),
            ["emails"] = JsonSerializer.SerializeToElement<IReadOnlyList<string>>(
                [string.Create(CultureInfo.InvariantCulture, $"prospect{id}@example.test")], SandboxJsonContext.Default.IReadOnlyListString),
        };
        return new Prospect(id, attributes, new DateTimeOffset(Interlocked.Read(ref _seededAtTicks), TimeSpan.Zero));
    }

    private static JsonElement Element(string value) => JsonSerializer.SerializeToElement(value, SandboxJsonContext.Default.String);

    private sealed class Prospect(long id, Dictionary<string, JsonElement> attributes, DateTimeOffset createdAt)
    {
        private readonly Lock _gate = new();
        private DateTimeOffset? _updatedAt;

        public ProspectSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new ProspectSnapshot(id, new Dictionary<string, JsonElement>(attributes, StringComparer.Ordinal), createdAt, _updatedAt ?? createdAt);
            }
        }

        public ProspectSnapshot Apply(IReadOnlyList<KeyValuePair<string, JsonElement>> changes, DateTimeOffset now)
        {
            lock (_gate)
            {
                foreach (var (name, value) in changes)
                {
                    // Clone: the request's JsonDocument is disposed after the call.
                    attributes[name] = value.Clone();
                }

                _updatedAt = now;
                return new ProspectSnapshot(id, new Dictionary<string, JsonElement>(attributes, StringComparer.Ordinal), createdAt, _updatedAt ?? createdAt);
            }
        }
    }
}
