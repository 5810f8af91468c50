using System.Globalization;
using System.Text.Json.Nodes;

namespace Outreach.Bench;

/// <summary>
/// The delivery benchmark's workload: export requests as AEP sends them, where a prospect often changes several times
/// in a short burst (separate exports for an attribute change and audience evaluations) and about one request in ten
/// is sent twice (AEP's retry of a slow answer).
/// </summary>
public static class DeliveryWorkload
{
    private static readonly string[] Audiences =
    [
        "aaaaaaaa-1111-4000-8000-000000000001",
        "bbbbbbbb-2222-4000-8000-000000000002",
        "cccccccc-3333-4000-8000-000000000003",
    ];

    private static readonly string[] Statuses = ["realized", "existing", "exited"];

    /// <summary>Builds the request bodies (up to ten profiles each) and the number of profile updates they carry.</summary>
    public static (List<string> Requests, int Updates) Build(int prospects, int seed)
    {
        var random = new Random(seed);
        var profiles = new List<JsonObject>();
        var minute = 0;
        for (var id = 1; id <= prospects; id++)
        {
            // One to three exports of the same prospect, one after another, each a newer evaluation.
            for (var change = random.Next(1, 4); change > 0; change--)
            {
                profiles.Add(Profile(id, random, minute++));
            }
        }

        var requests = new List<string>();
        foreach (var chunk in profiles.Chunk(10))
        {
            var body = new JsonArray([.. chunk.Select(p => p.DeepClone())]).ToJsonString();
            requests.Add(body);
            if (random.Next(10) == 0)
            {
                requests.Add(body);
            }
        }

        var updates = requests.Sum(r => JsonNode.Parse(r)!.AsArray().Count);
        return (requests, updates);
    }

    /// <summary>One export request with one profile, for the latency phase.</summary>
    public static string SingleExport(long id) => new JsonArray(Profile(id, new Random((int)id), 0)).ToJsonString();

    private static JsonObject Profile(long id, Random random, int minute)
    {
        var memberships = new JsonObject();
        var audience = Audiences[random.Next(Audiences.Length)];
        memberships[audience] = new JsonObject
        {
            ["status"] = Statuses[random.Next(Statuses.Length)],
            ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute)
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return new JsonObject
        {
            ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = "F" + id.ToString(CultureInfo.InvariantCulture), ["lastName"] = "L" } },
            ["segmentMembership"] = new JsonObject { ["ups"] = memberships },
            ["identityMap"] = new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture) }) },
        };
    }
}
