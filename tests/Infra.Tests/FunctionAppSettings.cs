using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Tests;

/// <summary>One app setting as declared in the template (the value is often an ARM expression).</summary>
public sealed record AppSetting(string Name, string Value);

/// <summary>
/// The function app's settings on each plan. The site declares
/// <c>appSettings: isFlex ? flexVariable : concat(premiumVariables...)</c>; both branches are variables of the
/// functionapp module, so they can be read without evaluating ARM expressions.
/// </summary>
public sealed partial class FunctionAppSettings
{
    private FunctionAppSettings(IReadOnlyList<AppSetting> flex, IReadOnlyList<AppSetting> premium, TemplateResource site)
    {
        Flex = flex;
        Premium = premium;
        Site = site;
    }

    public static FunctionAppSettings Declared { get; } = Read();

    /// <summary>Settings of a Flex Consumption (FC1) deployment.</summary>
    public IReadOnlyList<AppSetting> Flex { get; }

    /// <summary>Settings of an Elastic Premium (EP1) deployment.</summary>
    public IReadOnlyList<AppSetting> Premium { get; }

    public TemplateResource Site { get; }

    public IEnumerable<AppSetting> All => Flex.Concat(Premium);

    public static AppSetting Find(IEnumerable<AppSetting> settings, string name) =>
        settings.SingleOrDefault(setting => setting.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"App setting {name} is not declared.");

    private static FunctionAppSettings Read()
    {
        var site = CompiledTemplate.Main.Single("Microsoft.Web/sites");
        var expression = site.TextAt("properties.siteConfig.appSettings") ?? "";
        var shape = PlanSwitch().Match(expression);
        if (!shape.Success)
        {
            throw new Xunit.Sdk.XunitException(
                "Expected siteConfig.appSettings to be `isFlex ? <variable> : concat(<variables>)`, found: " + expression);
        }

        var template = site.Template;
        var flex = SettingsOf(template, shape.Groups["flex"].Value);
        var premium = VariableName().Matches(shape.Groups["premium"].Value)
            .SelectMany(match => SettingsOf(template, match.Groups["name"].Value))
            .ToList();
        return new FunctionAppSettings(flex, premium, site);
    }

    private static List<AppSetting> SettingsOf(NestedTemplate template, string variable) =>
        (template.Variables[variable] as JsonArray ?? throw new Xunit.Sdk.XunitException($"Variable {variable} is not an array."))
        .OfType<JsonObject>()
        .Select(entry => new AppSetting(entry["name"]!.GetValue<string>(), entry["value"]?.ToString() ?? ""))
        .ToList();

    [GeneratedRegex(@"^\[if\(variables\('isFlex'\), variables\('(?<flex>[^']+)'\), concat\((?<premium>.*)\)\)\]$")]
    private static partial Regex PlanSwitch();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    private static partial Regex VariableName();
}
