using System.Text.Json.Nodes;

namespace Infra.Tests;

/// <summary>A resource the compiled template deploys, with the (nested) template that declares it.</summary>
public sealed record TemplateResource(string Type, JsonObject Body, NestedTemplate Template)
{
    public JsonObject Properties => Body["properties"] as JsonObject ?? [];

    /// <summary>The resource's name as written in the template (often an expression).</summary>
    public string Name => Body["name"]?.ToString() ?? "";

    /// <summary>A value at a dotted path under the resource, e.g. "properties.siteConfig.minTlsVersion".</summary>
    public JsonNode? At(string dottedPath)
    {
        JsonNode? node = Body;
        foreach (var segment in dottedPath.Split('.'))
        {
            node = node?[segment];
        }

        return node;
    }

    /// <summary>The value at a dotted path as text (JSON literals as written, expressions as their text).</summary>
    public string? TextAt(string dottedPath) => At(dottedPath) switch
    {
        null => null,
        JsonValue value when value.TryGetValue(out string? text) => text,
        var other => other.ToJsonString(),
    };

    public override string ToString() => $"{Type} {Name} (module '{Template.ModulePath}')";
}
