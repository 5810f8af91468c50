using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class TemplateWideTests
{
    private static readonly HashSet<string> AcceptedTlsVersions = new(StringComparer.Ordinal) { "1.2", "1.3", "TLS1_2", "TLS1_3" };

    [Fact]
    public void Every_minimum_TLS_version_is_1_2_or_higher()
    {
        var tlsSettings = CompiledTemplate.Main.Resources
            .SelectMany(resource => TlsSetting().Matches(resource.Body.ToJsonString()).Select(match => (resource, match)))
            .ToList();

        Assert.True(tlsSettings.Count >= 4, "Expected TLS settings on storage, Service Bus and the function app (site and SCM).");
        Assert.All(tlsSettings, setting =>
            Assert.True(AcceptedTlsVersions.Contains(setting.match.Groups["value"].Value), $"{setting.resource}: {setting.match.Value}"));
    }

    [Fact]
    public void Template_never_reads_keys_or_secrets()
    {
        var text = File.ReadAllText(CompiledTemplate.Path);
        Assert.DoesNotMatch(ListFunction(), text);
    }

    [Fact]
    public void Every_module_gets_the_azd_environment_tag()
    {
        Assert.Equal("[parameters('environmentName')]", CompiledTemplate.Main.Root.Variables["tags"]!["azd-env-name"]!.GetValue<string>());
        var modulesWithTags = CompiledTemplate.Main.Templates.Where(template => template.Parameters.ContainsKey("tags")).ToList();
        Assert.True(modulesWithTags.Count >= 6);
        Assert.All(modulesWithTags, module => Assert.Equal("[variables('tags')]", module.ParameterValuePassedIn("tags")));
    }

    [Fact]
    public void Resource_names_share_one_deterministic_token()
    {
        Assert.Equal(
            "[toLower(uniqueString(subscription().id, resourceGroup().id, parameters('environmentName'), parameters('location')))]",
            CompiledTemplate.Main.Root.Variables["resourceToken"]!.GetValue<string>());
    }

    [GeneratedRegex(@"""(minimumTlsVersion|minTlsVersion|scmMinTlsVersion)"":""(?<value>[^""]*)""")]
    private static partial Regex TlsSetting();

    [GeneratedRegex(@"\blist[A-Z]\w*\(")]
    private static partial Regex ListFunction();
}
