using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Tests;

/// <summary>
/// One ARM template inside the compiled main.json: the root template or a module's nested deployment template.
/// ARM expressions cannot be evaluated here, but references to this template's own variables can be expanded.
/// </summary>
public sealed partial class NestedTemplate(string modulePath, JsonObject json, JsonObject? deployment)
{
    /// <summary>Module names from the root, e.g. "functionApp"; empty for the root template.</summary>
    public string ModulePath { get; } = modulePath;

    public JsonObject Json { get; } = json;

    /// <summary>The Microsoft.Resources/deployments resource that declares this template (null for the root).</summary>
    public JsonObject? Deployment { get; } = deployment;

    public JsonObject Variables => Json["variables"] as JsonObject ?? [];

    public JsonObject Parameters => Json["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => Json["outputs"] as JsonObject ?? [];

    /// <summary>The value (usually an expression) the parent template passes to one of this template's parameters.</summary>
    public string? ParameterValuePassedIn(string name) =>
        Deployment?["properties"]?["parameters"]?[name]?["value"]?.ToString();

    /// <summary>A variable's value, or a JSON expression string <c>[variables('x')]</c> resolved to it.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue(out string? text) && WholeVariable().Match(text) is { Success: true } match)
        {
            return Variables[match.Groups["name"].Value];
        }

        return node;
    }

    /// <summary>Replaces <c>variables('x')</c> and <c>variables('x').y</c> that hold plain strings by the quoted string.</summary>
    public string ExpandVariables(string expression) =>
        VariableReference().Replace(expression, match =>
        {
            JsonNode? node = Variables[match.Groups["name"].Value];
            if (match.Groups["member"].Success)
            {
                node = node?[match.Groups["member"].Value];
            }

            return node is JsonValue literal && literal.TryGetValue(out string? text) && !text.StartsWith('[')
                ? $"'{text}'"
                : match.Value;
        });

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeVariable();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)(\.(?<member>[A-Za-z_][A-Za-z0-9_]*))?")]
    private static partial Regex VariableReference();
}
