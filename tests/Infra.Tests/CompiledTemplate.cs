using System.Text.Json.Nodes;

namespace Infra.Tests;

/// <summary>
/// The ARM JSON compiled from infra/main.bicep (by this project's build, else artifacts/infra/main.json), with every module's nested deployment
/// flattened so that tests see all deployed resources in one list.
/// </summary>
public sealed class CompiledTemplate
{
    public const string RelativePath = "artifacts/infra/main.json";

    private const string DeploymentType = "Microsoft.Resources/deployments";

    private static readonly Lazy<CompiledTemplate> Loaded = new(Load);

    private CompiledTemplate(JsonObject root)
    {
        var templates = new List<NestedTemplate>();
        var resources = new List<TemplateResource>();
        Collect(new NestedTemplate("", root, deployment: null), templates, resources);
        Templates = templates;
        Resources = resources;
    }

    /// <summary>The compiled main.json. Throws (failing the test) when it has not been built.</summary>
    public static CompiledTemplate Main => Loaded.Value;

    /// <summary>The root template and every nested module template.</summary>
    public IReadOnlyList<NestedTemplate> Templates { get; }

    public NestedTemplate Root => Templates[0];

    /// <summary>Every resource that is deployed (not <c>existing</c> references, not the module deployments themselves).</summary>
    public IReadOnlyList<TemplateResource> Resources { get; }

    public IEnumerable<TemplateResource> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase));

    public TemplateResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The nested template of a module declared in main.bicep (by its symbolic name).</summary>
    public NestedTemplate Module(string symbolicName) =>
        Templates.SingleOrDefault(template => string.Equals(template.ModulePath, symbolicName, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"main.json has no module '{symbolicName}'.");

    /// <summary>Where the project's build compiles main.bicep (linux-x64), next to the test assembly.</summary>
    public static string BuiltPath { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "infra", "main.json");

    /// <summary>The compiled main.json's path: the build's copy when there is one, else artifacts/infra/main.json.</summary>
    public static string Path => File.Exists(BuiltPath) ? BuiltPath : System.IO.Path.Combine(RepositoryRoot.Path, RelativePath);

    private static CompiledTemplate Load()
    {
        var path = Path;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Neither {BuiltPath} nor {RelativePath} under {RepositoryRoot.Path} exists. These tests read the ARM JSON " +
                "compiled from infra/main.bicep: the build compiles it on linux-x64; elsewhere run `bash eng/test.sh`, or " +
                "`bicep build infra/main.bicep --outfile artifacts/infra/main.json`.");
        }

        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidOperationException($"{path} is not a JSON object.");
        return new CompiledTemplate(root);
    }

    private static void Collect(NestedTemplate template, List<NestedTemplate> templates, List<TemplateResource> resources)
    {
        templates.Add(template);

        // languageVersion 1.0 lists resources in an array; 2.0 keys them by symbolic name.
        IEnumerable<JsonObject> declared = template.Json["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject byName => byName.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };

        foreach (var resource in declared)
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            var type = resource["type"]?.GetValue<string>() ?? "";
            if (string.Equals(type, DeploymentType, StringComparison.OrdinalIgnoreCase)
                && resource["properties"]?["template"] is JsonObject nested)
            {
                var name = SymbolicOrDeploymentName(template, resource);
                var path = template.ModulePath.Length == 0 ? name : $"{template.ModulePath}/{name}";
                Collect(new NestedTemplate(path, nested, resource), templates, resources);
                continue;
            }

            resources.Add(new TemplateResource(type, resource, template));
        }
    }

    private static string SymbolicOrDeploymentName(NestedTemplate parent, JsonObject resource)
    {
        if (parent.Json["resources"] is JsonObject byName)
        {
            foreach (var (symbolicName, value) in byName)
            {
                if (ReferenceEquals(value, resource))
                {
                    return symbolicName;
                }
            }
        }

        return resource["name"]?.ToString() ?? "";
    }
}
