using System.Globalization;
using System.Text.Json.Nodes;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>Builds AEP profiles for the sample mapping and tracks what Outreach should end up holding.</summary>
public sealed class ProfileFactory
{
    /// <summary>The sample mapping's audiences and the custom fields they write.</summary>
    public static readonly (string AudienceId, string Field)[] Audiences =
    [
        ("aaaaaaaa-1111-4000-8000-000000000001", "custom1"),
        ("bbbbbbbb-2222-4000-8000-000000000002", "custom2"),
        ("cccccccc-3333-4000-8000-000000000003", "custom3"),
    ];

    private static readonly string[] Statuses = ["realized", "existing", "exited"];
    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<long, Dictionary<string, (string Value, DateTimeOffset At)>> _expected = [];

    /// <summary>The fields each prospect should hold, by prospect id.</summary>
    public IReadOnlyDictionary<long, Dictionary<string, string>> Expected =>
        _expected.ToDictionary(p => p.Key, p => p.Value.ToDictionary(f => f.Key, f => f.Value.Value));

    /// <summary>
    /// A profile for a prospect: its name, and a random status for a random subset of audiences, qualified at
    /// <paramref name="minute"/> minutes after a fixed epoch (distinct minutes make the newest evaluation unambiguous).
    /// </summary>
    /// <param name="prospectId">The key of the expected values; the Outreach id unless <paramref name="email"/> names the prospect.</param>
    /// <param name="random">Chooses the audiences and statuses.</param>
    /// <param name="minute">When the audiences were qualified, in minutes after the epoch.</param>
    /// <param name="email">When given, the profile's only identity is this email (no Outreach id).</param>
    public JsonObject Profile(long prospectId, Random random, int minute, string? email = null)
    {
        var at = Epoch.AddMinutes(minute);
        var memberships = new JsonObject();
        foreach (var (audienceId, field) in Audiences.Where(_ => random.Next(3) > 0))
        {
            var status = Statuses[random.Next(Statuses.Length)];
            memberships[audienceId] = new JsonObject
            {
                ["status"] = status,
                ["lastQualificationTime"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            Expect(prospectId, field, status, at);
        }

        var firstName = "First" + prospectId.ToString(CultureInfo.InvariantCulture);
        Expect(prospectId, "firstName", firstName, DateTimeOffset.MinValue);
        Expect(prospectId, "lastName", "Last", DateTimeOffset.MinValue);
        return new JsonObject
        {
            ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = firstName, ["lastName"] = "Last" } },
            ["segmentMembership"] = new JsonObject { ["ups"] = memberships },
            ["identityMap"] = email is null
                ? new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = prospectId.ToString(CultureInfo.InvariantCulture) }) }
                : new JsonObject { ["Email"] = new JsonArray(new JsonObject { ["id"] = email }) },
        };
    }

    private void Expect(long prospectId, string field, string value, DateTimeOffset at)
    {
        if (!_expected.TryGetValue(prospectId, out var fields))
        {
            _expected[prospectId] = fields = [];
        }

        if (!fields.TryGetValue(field, out var current) || current.At < at)
        {
            fields[field] = (value, at);
        }
    }
}
