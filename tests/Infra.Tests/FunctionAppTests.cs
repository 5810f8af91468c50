using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class FunctionAppTests
{
    // Settings Flex Consumption rejects or ignores ("Flex Consumption plan deprecations").
    private static readonly string[] DeprecatedOnFlex =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "ENABLE_ORYX_BUILD",
        "WEBSITE_TIME_ZONE",
        "TZ",
    ];

    private static TemplateResource Site => CompiledTemplate.Main.Single("Microsoft.Web/sites");

    private static NestedTemplate Module => Site.Template;

    private static JsonNode FlexConfig
    {
        get
        {
            var expression = Site.TextAt("properties.functionAppConfig") ?? "";
            var match = FlexOnly().Match(expression);
            return match.Success && Module.Variables[match.Groups["name"].Value] is { } config
                ? config
                : throw new Xunit.Sdk.XunitException("Expected functionAppConfig = isFlex ? <variable> : null, found: " + expression);
        }
    }

    [Fact]
    public void Function_app_accepts_HTTPS_only()
    {
        Assert.Equal("true", Site.TextAt("properties.httpsOnly"));
    }

    [Fact]
    public void Function_app_requires_TLS_1_2_and_disables_FTP()
    {
        Assert.Equal("1.2", Site.TextAt("properties.siteConfig.minTlsVersion"));
        Assert.Equal("1.2", Site.TextAt("properties.siteConfig.scmMinTlsVersion"));
        Assert.Equal("Disabled", Site.TextAt("properties.siteConfig.ftpsState"));
    }

    [Fact]
    public void Function_app_is_Linux()
    {
        Assert.Equal("functionapp,linux", Site.TextAt("kind"));
        Assert.Equal("true", CompiledTemplate.Main.Single("Microsoft.Web/serverfarms").TextAt("properties.reserved"));
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", Site.TextAt("identity.type"));
        Assert.Equal("[parameters('identityId')]", Site.TextAt("properties.keyVaultReferenceIdentity"));
    }

    [Fact]
    public void Basic_publishing_credentials_are_disabled()
    {
        var policies = CompiledTemplate.Main.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, policies.Count);
        Assert.All(policies, policy => Assert.Equal("false", policy.TextAt("properties.allow")));
    }

    [Fact]
    public void Flex_Consumption_is_the_default_plan_and_Elastic_Premium_the_alternative()
    {
        var planSku = CompiledTemplate.Main.Root.Parameters["planSku"]!;
        Assert.Equal("FC1", planSku["defaultValue"]!.GetValue<string>());
        Assert.Equal(["FC1", "EP1"], planSku["allowedValues"]!.AsArray().Select(value => value!.GetValue<string>()));
        Assert.Equal("[equals(parameters('planSku'), 'FC1')]", Module.Variables["isFlex"]!.GetValue<string>());
    }

    [Fact]
    public void Flex_app_runs_the_custom_handler_runtime()
    {
        Assert.Equal("custom", FlexConfig["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("1.0", FlexConfig["runtime"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public void Flex_keeps_an_HTTP_instance_warm_by_default_so_AEP_gets_answers_within_2_seconds()
    {
        Assert.Equal(1, CompiledTemplate.Main.Root.Parameters["alwaysReadyHttpInstances"]!["defaultValue"]!.GetValue<int>());
        Assert.Contains("createObject('name', 'http', 'instanceCount', parameters('alwaysReadyHttpInstances'))", FlexConfig["scaleAndConcurrency"]!["alwaysReady"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Flex_deployment_package_is_read_with_the_user_assigned_identity()
    {
        var storage = FlexConfig["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", storage["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", storage["authentication"]!["type"]!.GetValue<string>());
        Assert.Equal("[parameters('identityId')]", storage["authentication"]!["userAssignedIdentityResourceId"]!.GetValue<string>());
    }

    [Fact]
    public void Flex_app_does_not_set_settings_deprecated_on_Flex()
    {
        var flexNames = FunctionAppSettings.Declared.Flex.Select(setting => setting.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(DeprecatedOnFlex, name => Assert.DoesNotContain(name, flexNames));
    }

    [Fact]
    public void Premium_app_sets_the_classic_custom_handler_settings()
    {
        var premium = FunctionAppSettings.Declared.Premium;
        Assert.Equal("custom", FunctionAppSettings.Find(premium, "FUNCTIONS_WORKER_RUNTIME").Value);
        Assert.Equal("~4", FunctionAppSettings.Find(premium, "FUNCTIONS_EXTENSION_VERSION").Value);
    }

    [Fact]
    public void Premium_app_has_no_Azure_Files_content_share_because_it_would_need_an_account_key()
    {
        var names = FunctionAppSettings.Declared.Premium.Select(setting => setting.Name).ToList();
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", names);
        Assert.DoesNotContain("WEBSITE_CONTENTSHARE", names);
    }

    [Fact]
    public void Premium_app_scale_out_is_capped_by_functionAppScaleLimit()
    {
        Assert.Equal(
            "[if(variables('isFlex'), null(), parameters('functionAppScaleLimit'))]",
            Site.TextAt("properties.siteConfig.functionAppScaleLimit"));
        Assert.True(CompiledTemplate.Main.Root.Parameters["functionAppScaleLimit"]!["maxValue"] is not null);
    }

    [Fact]
    public void Function_app_is_tagged_as_the_azd_service_connector()
    {
        Assert.Contains("createObject('azd-service-name', 'connector')", Site.TextAt("tags"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\[if\(variables\('isFlex'\), variables\('(?<name>[^']+)'\), null\(\)\)\]$")]
    private static partial Regex FlexOnly();
}
