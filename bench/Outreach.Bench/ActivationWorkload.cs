using System.Globalization;
using System.Text.Json.Nodes;

namespace Outreach.Bench;

/// <summary>One step of an audience activation: the export requests AEP sends for it, and how many profiles they carry.</summary>
/// <param name="Name">What happens, e.g. "backfill" or "re-evaluation 2".</param>
/// <param name="Requests">Export request bodies, at most ten profiles each.</param>
/// <param name="Profiles">Profile exports in the requests (what a destination with one PATCH per profile sends).</param>
public sealed record ActivationPhase(string Name, IReadOnlyList<string> Requests, int Profiles);

/// <summary>
/// The activation benchmark's workload, as AEP sends it (see docs/reference/aep.md, export behaviour): the first
/// activation of three audiences backfills every qualified profile, each export carrying the whole mapped profile
/// (names and every audience status); then three daily re-evaluations each move a fifth of the prospects into or out of
/// one audience, again exporting the whole profile. Nine in ten prospects' names already equal what Outreach holds.
/// </summary>
/// <remarks>Deterministic for a seed. <see cref="Expected"/> is the state Outreach must end in.</remarks>
public sealed class ActivationWorkload
{
    /// <summary>The sample mapping's audiences (samples/mapping.json) and the prospect field each one writes.</summary>
    public static readonly (string AudienceId, string Field)[] Audiences =
    [
        ("aaaaaaaa-1111-4000-8000-000000000001", "custom1"),
        ("bbbbbbbb-2222-4000-8000-000000000002", "custom2"),
        ("cccccccc-3333-4000-8000-000000000003", "custom3"),
    ];

    /// <summary>The mapped prospect fields compared at the end.</summary>
    public static readonly string[] Fields = ["firstName", "lastName", "custom1", "custom2", "custom3"];

    // Share of prospects each audience qualifies at activation; a prospect in none of them joins one at random, so
    // the backfill exports every prospect once.
    private static readonly double[] Qualification = [0.5, 0.35, 0.25];
    private const double RenamedShare = 0.10;
    private const double MovedShare = 0.20;
    private const int Reevaluations = 3;
    private const int ProfilesPerRequest = 10;
    private static readonly DateTimeOffset Activation = new(2026, 11, 1, 6, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<long, Dictionary<string, string?>> _expected = [];
    private readonly Dictionary<long, Dictionary<string, HashSet<string>>> _sent = [];

    private ActivationWorkload(int prospects) => Prospects = prospects;

    /// <summary>Prospect ids 1..<see cref="Prospects"/>.</summary>
    public int Prospects { get; }

    /// <summary>The backfill, then the re-evaluations, in the order AEP sends them.</summary>
    public List<ActivationPhase> Phases { get; } = [];

    /// <summary>Every profile export of every phase.</summary>
    public int ProfileExports => Phases.Sum(p => p.Profiles);

    /// <summary>Per prospect and field, the value Outreach must hold at the end (null: never set).</summary>
    public IReadOnlyDictionary<long, Dictionary<string, string?>> Expected => _expected;

    /// <summary>
    /// Builds the workload. <paramref name="seededFirstName"/> says what Outreach holds before the activation, so nine
    /// in ten exports carry that very name and one in ten a new one.
    /// </summary>
    public static ActivationWorkload Build(int prospects, int seed, Func<long, string> seededFirstName, Func<long, string> seededLastName)
    {
        ArgumentNullException.ThrowIfNull(seededFirstName);
        ArgumentNullException.ThrowIfNull(seededLastName);
        var random = new Random(seed);
        var workload = new ActivationWorkload(prospects);
        var names = new Dictionary<long, (string First, string Last)>();
        var members = new Dictionary<long, bool[]>();
        for (long id = 1; id <= prospects; id++)
        {
            var first = random.NextDouble() < RenamedShare ? "Renamed" + id.ToString(CultureInfo.InvariantCulture) : seededFirstName(id);
            names[id] = (first, seededLastName(id));
            var qualified = Qualification.Select(share => random.NextDouble() < share).ToArray();
            if (!qualified.Any(q => q))
            {
                qualified[random.Next(qualified.Length)] = true;
            }

            members[id] = qualified;
            workload._expected[id] = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["firstName"] = names[id].First,
                ["lastName"] = names[id].Last,
                ["custom1"] = null,
                ["custom2"] = null,
                ["custom3"] = null,
            };
        }

        // Backfill: every qualified profile once, with all its audiences realized, in AEP's (arbitrary) order.
        var qualifiedAt = new Dictionary<(long, int), DateTimeOffset>();
        var backfill = Shuffled(Enumerable.Range(1, prospects).Select(i => (long)i), random).ToList();
        var profiles = new List<JsonObject>();
        foreach (var id in backfill)
        {
            var statuses = new Dictionary<int, string>();
            for (var a = 0; a < Audiences.Length; a++)
            {
                if (members[id][a])
                {
                    qualifiedAt[(id, a)] = Activation.AddSeconds(profiles.Count);
                    statuses[a] = "realized";
                }
            }

            profiles.Add(workload.Profile(id, names[id], statuses, qualifiedAt));
        }

        workload.Phases.Add(new ActivationPhase("backfill", Requests(profiles), profiles.Count));

        // Re-evaluations, one a day: a fifth of the prospects enter or leave one audience.
        for (var r = 1; r <= Reevaluations; r++)
        {
            var audience = (r - 1) % Audiences.Length;
            var moved = Shuffled(Enumerable.Range(1, prospects).Select(i => (long)i), random).Take((int)(prospects * MovedShare)).ToList();
            profiles = [];
            foreach (var id in moved)
            {
                members[id][audience] = !members[id][audience];
                qualifiedAt[(id, audience)] = Activation.AddDays(r).AddSeconds(profiles.Count);
                var statuses = new Dictionary<int, string>();
                for (var a = 0; a < Audiences.Length; a++)
                {
                    if (a == audience)
                    {
                        statuses[a] = members[id][a] ? "realized" : "exited";
                    }
                    else if (members[id][a])
                    {
                        statuses[a] = "realized";
                    }
                }

                profiles.Add(workload.Profile(id, names[id], statuses, qualifiedAt));
            }

            workload.Phases.Add(new ActivationPhase(
                string.Create(CultureInfo.InvariantCulture, $"re-evaluation {r} ({Audiences[audience].Field})"), Requests(profiles), profiles.Count));
        }

        return workload;
    }

    /// <summary>
    /// Compares what Outreach holds for a prospect with the expected state: fields that differ, and of those the ones
    /// holding a value exported earlier (a field that went back in time).
    /// </summary>
    public (int Mismatches, int Regressions) Compare(long id, IReadOnlyDictionary<string, string?> actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        int mismatches = 0, regressions = 0;
        foreach (var field in Fields)
        {
            var expected = _expected[id][field];
            var held = actual.GetValueOrDefault(field);
            if (string.Equals(expected, held, StringComparison.Ordinal))
            {
                continue;
            }

            mismatches++;
            if (held is not null && _sent.TryGetValue(id, out var sent) && sent.TryGetValue(field, out var values) && values.Contains(held))
            {
                regressions++;
            }
        }

        return (mismatches, regressions);
    }

    private JsonObject Profile(long id, (string First, string Last) name, Dictionary<int, string> statuses, Dictionary<(long, int), DateTimeOffset> qualifiedAt)
    {
        var memberships = new JsonObject();
        foreach (var (audience, status) in statuses)
        {
            memberships[Audiences[audience].AudienceId] = new JsonObject
            {
                ["status"] = status,
                ["lastQualificationTime"] = qualifiedAt[(id, audience)].ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            Remember(id, Audiences[audience].Field, status);
            _expected[id][Audiences[audience].Field] = status;
        }

        Remember(id, "firstName", name.First);
        Remember(id, "lastName", name.Last);
        return new JsonObject
        {
            ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = name.First, ["lastName"] = name.Last } },
            ["segmentMembership"] = new JsonObject { ["ups"] = memberships },
            ["identityMap"] = new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture) }) },
        };
    }

    private void Remember(long id, string field, string value)
    {
        if (!_sent.TryGetValue(id, out var fields))
        {
            _sent[id] = fields = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }

        if (!fields.TryGetValue(field, out var values))
        {
            fields[field] = values = new HashSet<string>(StringComparer.Ordinal);
        }

        values.Add(value);
    }

    private static List<string> Requests(List<JsonObject> profiles) =>
        profiles.Chunk(ProfilesPerRequest).Select(chunk => new JsonArray([.. chunk]).ToJsonString()).ToList();

    private static IEnumerable<long> Shuffled(IEnumerable<long> ids, Random random)
    {
        var list = ids.ToArray();
        random.Shuffle(list);
        return list;
    }
}
