using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Testing;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>Compares a handler's answer with a golden answer; <c>UPDATE_GOLDEN=1</c> rewrites the golden file instead (review the diff).</summary>
public static class GoldenAnswer
{
    /// <summary>Asserts that <paramref name="answer"/> equals <c>Golden/{folder}/{name}.response.json</c>.</summary>
    public static void Match(string folder, string name, JsonNode answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var file = name + ".response.json";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(RepositoryRoot.Path, "tests", "OutreachFunctions.Tests", "Functions", "Golden", folder, file);
            File.WriteAllText(source, answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            return;
        }

        var expected = JsonNode.Parse(Golden.Read(folder, file));
        Assert.True(JsonNode.DeepEquals(expected, answer), $"The answer differs from Golden/{folder}/{file}:\n{answer.ToJsonString()}");
    }
}
