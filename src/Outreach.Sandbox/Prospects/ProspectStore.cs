using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>The in-memory prospects: seeded with ids 1..N, changed by PATCH; one lock per prospect.</summary>
internal sealed class ProspectStore
{
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];

    private readonly ProspectOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Prospect> _prospects = new();
    private long _patched;

    public ProspectStore(IOptions<SandboxOptions> options, TimeProvider time)
    {
        _options = options.Value.Prospects;
        _time = time;
        Seed();
    }

    /// <summary>Successful PATCHes since start or the last reset.</summary>
    public long Patched => Interlocked.Read(ref _patched);

    public ProspectSnapshot? Get(long id) => _prospects.TryGetValue(id, out var prospect) ? prospect.Snapshot() : null;

    /// <summary>Sets the given attributes (only those) and returns the updated prospect; null when it does not exist.</summary>
    public ProspectSnapshot? Apply(long id, IReadOnlyList<KeyValuePair<string, JsonElement>> changes)
    {
        if (!_prospects.TryGetValue(id, out var prospect))
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
        _prospects.Clear();
        Interlocked.Exchange(ref _patched, 0);
        Seed();
    }

    private void Seed()
    {
        var now = _time.GetUtcNow();
        for (long id = 1; id <= _options.SeedCount; id++)
        {
            var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                ["firstName"] = Element(FirstNames[(id - 1) % FirstNames.Length]),
                ["lastName"] = Element(string.Create(CultureInfo.InvariantCulture, $"Sandbox{id}")),
                ["emails"] = JsonSerializer.SerializeToElement<IReadOnlyList<string>>(
                    [string.Create(CultureInfo.InvariantCulture, $"prospect{id}@example.test")], SandboxJsonContext.Default.IReadOnlyListString),
            };
            _prospects[id] = new Prospect(id, attributes, now);
        }
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
