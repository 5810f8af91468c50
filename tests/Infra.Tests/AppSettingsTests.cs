using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class AppSettingsTests
{
    // Local-only settings of local.settings.sample.json that Azure gets in another form: Flex takes its worker runtime
    // from functionAppConfig.runtime (EP1 sets it, see FunctionAppTests), and AzureWebJobsStorage is replaced by its
    // identity-based AzureWebJobsStorage__* form.
    private static readonly HashSet<string> LocalOnly = new(StringComparer.Ordinal)
    {
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage",
    };

    private static FunctionAppSettings Settings => FunctionAppSettings.Declared;

    public static TheoryData<string> SettingsTheAppReads()
    {
        var data = new TheoryData<string>();
        foreach (var name in SampleSettings.Values.Keys.Where(name => !LocalOnly.Contains(name)))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SettingsTheAppReads))]
    public void Every_setting_the_app_reads_is_set_on_Flex(string name)
    {
        Assert.Contains(name, Settings.Flex.Select(setting => setting.Name));
    }

    [Theory]
    [MemberData(nameof(SettingsTheAppReads))]
    public void Every_setting_the_app_reads_is_set_on_Elastic_Premium(string name)
    {
        Assert.Contains(name, Settings.Premium.Select(setting => setting.Name));
    }

    [Fact]
    public void Host_storage_uses_the_identity_based_connection()
    {
        var names = Settings.All.Select(setting => setting.Name).ToList();
        Assert.DoesNotContain("AzureWebJobsStorage", names);
        Assert.Contains("AzureWebJobsStorage__accountName", names);
        Assert.Equal("managedidentity", FunctionAppSettings.Find(Settings.Flex, "AzureWebJobsStorage__credential").Value);
        Assert.Equal("[parameters('identityClientId')]", FunctionAppSettings.Find(Settings.Flex, "AzureWebJobsStorage__clientId").Value);
    }

    [Fact]
    public void Every_connection_uses_the_user_assigned_identity()
    {
        var credentials = Settings.All.Where(setting => setting.Name.EndsWith("__credential", StringComparison.Ordinal)).ToList();
        var clientIds = Settings.All.Where(setting => setting.Name.EndsWith("__clientId", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(credentials);
        Assert.All(credentials, setting => Assert.Equal("managedidentity", setting.Value));
        Assert.Equal(credentials.Count, clientIds.Count);
        Assert.All(clientIds, setting => Assert.Equal("[parameters('identityClientId')]", setting.Value));
        Assert.Equal("[parameters('identityClientId')]", FunctionAppSettings.Find(Settings.Flex, "AZURE_CLIENT_ID").Value);
    }

    [Fact]
    public void No_app_setting_holds_a_key_or_a_connection_string_with_a_secret()
    {
        var offenders = Settings.All
            .Where(setting => setting.Name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            .Where(setting => SecretMarker().IsMatch(setting.Value))
            .Select(setting => $"{setting.Name}={setting.Value}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Application_Insights_connection_string_is_read_from_the_resource_and_passed_securely()
    {
        var setting = FunctionAppSettings.Find(Settings.Flex, "APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.Equal("[parameters('appInsightsConnectionString')]", setting.Value);

        var module = Settings.Site.Template;
        Assert.Equal("securestring", module.Parameters["appInsightsConnectionString"]!["type"]!.GetValue<string>());
        Assert.Matches(@"^\[reference\('appInsights'\)\.ConnectionString\]$", module.ParameterValuePassedIn("appInsightsConnectionString"));
    }

    [Fact]
    public void Application_Insights_telemetry_authenticates_with_the_identity()
    {
        var setting = FunctionAppSettings.Find(Settings.Flex, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", setting.Value);
    }

    [Fact]
    public void Outreach_client_secret_is_a_Key_Vault_reference_resolved_with_the_identity()
    {
        var setting = FunctionAppSettings.Find(Settings.Flex, "Outreach__ClientSecret");
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})'", setting.Value, StringComparison.Ordinal);
        Assert.Equal("outreach-client-secret", CompiledTemplate.Main.Root.Variables["outreachClientSecretName"]!.GetValue<string>());
        Assert.Equal("[parameters('identityId')]", Settings.Site.TextAt("properties.keyVaultReferenceIdentity"));
    }

    [Fact]
    public void Tokens_are_stored_in_Key_Vault()
    {
        Assert.Equal("KeyVault", FunctionAppSettings.Find(Settings.Flex, "Tokens__Store").Value);
        Assert.Equal("[parameters('keyVaultUri')]", FunctionAppSettings.Find(Settings.Flex, "Tokens__KeyVaultUri").Value);
    }

    [Fact]
    public void Outreach_redirect_uri_is_the_app_oauth_callback()
    {
        Assert.Equal("[variables('redirectUri')]", FunctionAppSettings.Find(Settings.Flex, "Outreach__RedirectUri").Value);
        Assert.Equal(
            "[format('https://{0}.azurewebsites.net/api/oauth/callback', parameters('name'))]",
            Settings.Site.Template.Variables["redirectUri"]!.GetValue<string>());
    }

    [Fact]
    public void Connector_runs_in_Functions_mode()
    {
        Assert.Equal("Functions", FunctionAppSettings.Find(Settings.Flex, "Connector__Mode").Value);
    }

    [GeneratedRegex(@"AccountKey=|SharedAccessKey|SharedAccessSignature|InstrumentationKey=|sig=|\blist[A-Z]\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretMarker();
}
