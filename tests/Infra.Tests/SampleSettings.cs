using System.Text.Json.Nodes;

namespace Infra.Tests;

/// <summary>The settings the app reads, as listed in local.settings.sample.json at the repository root.</summary>
internal static class SampleSettings
{
    public static IReadOnlyDictionary<string, string> Values { get; } = Read();

    private static Dictionary<string, string> Read()
    {
        var path = Path.Combine(RepositoryRoot.Path, "local.settings.sample.json");
        var values = (JsonNode.Parse(File.ReadAllText(path))?["Values"] as JsonObject)
            ?? throw new InvalidOperationException($"{path} has no Values object.");
        return values.ToDictionary(pair => pair.Key, pair => pair.Value?.ToString() ?? "", StringComparer.Ordinal);
    }
}
