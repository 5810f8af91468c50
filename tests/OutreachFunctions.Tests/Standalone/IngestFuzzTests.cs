using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Connector.Queueing;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Standalone;

/// <summary>
/// Posts thousands of malformed and mutated exports through the real endpoint over loopback HTTP: never a 5xx, never a
/// crash, nothing queued for an invalid profile, every valid profile in the same request accepted.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestFuzzTests(AzuriteFixture azurite)
{
    private const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";
    private const int Requests = 2500;

    [Fact]
    public async Task Mutated_and_malformed_exports_never_fail_the_server_and_never_lose_valid_profiles()
    {
        var queue = new RecordingUpdateQueue();
        await using var connector = await StandaloneConnector.StartAsync(
            azurite,
            settings: new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "65536", ["Ingest:MaxProfilesPerRequest"] = "20" },
            replaceServices: services => services.AddSingleton<IUpdateQueue>(queue));
        var random = new Random(20261122);
        var nextId = 1L;
        var statusCounts = new Dictionary<HttpStatusCode, int>();

        for (var request = 0; request < Requests; request++)
        {
            var profiles = new List<(long Id, Kind Kind, JsonNode Node)>();
            for (var i = random.Next(1, 12); i > 0; i--)
            {
                var id = nextId++;
                var kind = (Kind)random.Next(3);
                profiles.Add((id, kind, kind switch
                {
                    Kind.Valid => ValidProfile(id, random),
                    Kind.Invalid => InvalidProfile(id, random),
                    _ => Mutate(ValidProfile(id, random), random),
                }));
            }

            var body = Encoding.UTF8.GetBytes(WithRawEscapes(new JsonArray([.. profiles.Select(p => p.Node)]).ToJsonString()));
            var bodyCorruption = random.Next(10) == 0 ? CorruptBody(ref body, random) : BodyCorruption.None;
            var contentType = random.Next(8) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : "application/json";
            var refusedType = contentType is not null && !contentType.Contains("json", StringComparison.Ordinal);

            // ByteArrayContent declares Content-Length, so an oversized body is refused from the header (413, not 500).
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            var response = await connector.Client.PostAsync("/api/profiles", content);
            statusCounts[response.StatusCode] = statusCounts.GetValueOrDefault(response.StatusCode) + 1;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"request {request}: {(int)response.StatusCode} {text}");
            using var answer = JsonDocument.Parse(text);
            var queued = queue.Drain().Select(u => u.ProspectId).ToHashSet();
            Assert.Equal(refusedType, response.StatusCode == HttpStatusCode.UnsupportedMediaType);
            if (refusedType)
            {
                Assert.Empty(queued);
                continue;
            }

            if (bodyCorruption == BodyCorruption.TooLarge)
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }

            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                Assert.True(answer.RootElement.TryGetProperty("error", out _), text);
                Assert.Empty(queued);
                continue;
            }

            Assert.NotEqual(BodyCorruption.Broken, bodyCorruption);
            var rejected = answer.RootElement.GetProperty("excludedProfiles").EnumerateArray()
                .Concat(answer.RootElement.GetProperty("invalidProfiles").EnumerateArray())
                .Select(e => e.GetProperty("index").GetInt32())
                .ToHashSet();
            for (var index = 0; index < profiles.Count; index++)
            {
                var (id, kind, _) = profiles[index];

                // A flipped byte that left valid JSON may have changed any profile, so only the counts below apply.
                switch (bodyCorruption == BodyCorruption.FlippedStillJson ? Kind.Mutated : kind)
                {
                    case Kind.Valid:
                        Assert.DoesNotContain(index, rejected);
                        Assert.Contains(id, queued);
                        break;
                    case Kind.Invalid:
                        Assert.Contains(index, rejected);
                        Assert.DoesNotContain(id, queued);
                        break;
                    default:
                        // A mutation may or may not break a profile (or change its id); the counts below still hold.
                        break;
                }
            }

            Assert.Equal(profiles.Count - rejected.Count, answer.RootElement.GetProperty("accepted").GetInt32());
            Assert.Equal(profiles.Count - rejected.Count, queued.Count);
        }

        Assert.True(statusCounts.GetValueOrDefault(HttpStatusCode.Accepted) > Requests / 2, string.Join(", ", statusCounts));
        Assert.True(statusCounts.GetValueOrDefault(HttpStatusCode.BadRequest) > 0, string.Join(", ", statusCounts));
        Assert.True(statusCounts.GetValueOrDefault(HttpStatusCode.UnsupportedMediaType) > 0, string.Join(", ", statusCounts));
        Assert.True(statusCounts.GetValueOrDefault(HttpStatusCode.RequestEntityTooLarge) > 0, string.Join(", ", statusCounts));
    }

    // Null: no Content-Type header at all (accepted, as AEP's header is not documented).
    private static readonly string?[] ContentTypes =
        [null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/vnd.api+json", "application/json; charset=utf-8"];

    // JsonNode cannot hold a lone surrogate and writes control characters its own way, so invalid profiles carry
    // markers that become the raw escapes (and a repeated key) in the body text.
    private const string LoneSurrogateMarker = "@@lone-surrogate@@";
    private const string NulMarker = "@@nul@@";
    private const string ControlMarker = "@@control@@";
    private const string RepeatedKeyMarker = "@@repeated-key@@";

    private static string WithRawEscapes(string json) => json
        .Replace($"\"{LoneSurrogateMarker}\"", "\"x\\ud800y\"", StringComparison.Ordinal)
        .Replace($"\"{NulMarker}\"", "\"a\\u0000b\"", StringComparison.Ordinal)
        .Replace($"\"{ControlMarker}\"", "\"\\u001b[31m\"", StringComparison.Ordinal)
        .Replace($"\"{RepeatedKeyMarker}\"", "\"ecid\"", StringComparison.Ordinal);

    private enum Kind
    {
        Valid,
        Invalid,
        Mutated,
    }

    private enum BodyCorruption
    {
        None,
        TooLarge,
        StillJson,
        FlippedStillJson,
        Broken,
    }

    private static JsonObject ValidProfile(long id, Random random) => new()
    {
        ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = "F" + id, ["lastName"] = random.Next(2) == 0 ? "L" : null } },
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject
            {
                [HighIntent] = new JsonObject { ["status"] = random.Next(2) == 0 ? "realized" : "exited", ["lastQualificationTime"] = "2025-03-02T10:15:00+0000" },
                ["zzzz-unmapped-" + random.Next(100)] = new JsonObject { ["status"] = "weird", ["lastQualificationTime"] = 12 },
            },
        },
        ["identityMap"] = new JsonObject
        {
            [random.Next(2) == 0 ? "oid" : "OID"] = new JsonArray(new JsonObject { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            ["ecid"] = new JsonArray(new JsonObject { ["id"] = "123" }),
        },
    };

    // Each of these is malformed in a way the translator must refuse with a path.
    private static JsonNode InvalidProfile(long id, Random random)
    {
        var profile = ValidProfile(id, random);
        var membership = profile["segmentMembership"]!["ups"]![HighIntent]!.AsObject();
        switch (random.Next(11))
        {
            case 7: profile["person"]!["name"]!["firstName"] = LoneSurrogateMarker; break;
            case 8: profile["person"]!["name"]!["lastName"] = NulMarker; break;
            case 9: membership["status"] = ControlMarker; break;
            case 10: profile["identityMap"]![RepeatedKeyMarker] = new JsonArray(new JsonObject { ["id"] = "456" }); break;
            case 0: membership["status"] = random.Next(1000); break;
            case 1: membership["status"] = "dancing"; break;
            case 2: membership["lastQualificationTime"] = "not a time"; break;
            case 3: profile["person"]!["name"]!["firstName"] = new string('x', 300); break;
            case 4: profile["person"]!["name"]!["firstName"] = new JsonObject { ["nested"] = true }; break;
            case 5: profile["identityMap"] = new JsonArray(1, 2); break;
            default: return JsonValue.Create(random.Next())!;
        }

        return profile;
    }

    private static JsonNode Mutate(JsonObject profile, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(profile, nodes);
        var target = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = random.Next(9) switch
        {
            0 => null,
            1 => random.Next(),
            2 => -random.NextDouble() * 1e300,
            3 => new string('é', random.Next(1, 5000)),
            4 => new JsonArray(1, "two", null, new JsonObject()),
            5 => new JsonObject { ["unexpected"] = new JsonArray() },
            6 => Deep(random.Next(1, 70)),
            7 => "12345678901234567890123",
            _ => true,
        };
        if (target.Parent is JsonObject parent)
        {
            parent[target.GetPropertyName()] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = replacement;
        }

        return profile;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["d"] = node };
        }

        return node;
    }

    private static BodyCorruption CorruptBody(ref byte[] body, Random random)
    {
        var flipped = false;
        switch (random.Next(5))
        {
            case 4:
                // Valid JSON, padded past Ingest:MaxBodyBytes (65536 here).
                body = [.. body, .. Enumerable.Repeat((byte)' ', 70_000)];
                return BodyCorruption.TooLarge;
            case 0:
                body = body[..random.Next(body.Length)];
                break;
            case 1:
                body[random.Next(body.Length)] = (byte)random.Next(256);
                flipped = true;
                break;
            case 2:
                body = [.. body, .. Encoding.UTF8.GetBytes(new string('[', 100_000))];
                break;
            default:
                body = Encoding.UTF8.GetBytes("{\"profiles\":" + Encoding.UTF8.GetString(body) + "}");
                return BodyCorruption.StillJson;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return flipped ? BodyCorruption.FlippedStillJson : BodyCorruption.StillJson;
        }
        catch (JsonException)
        {
            return BodyCorruption.Broken;
        }
    }
}
