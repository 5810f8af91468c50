using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class OutputTests
{
    public static TheoryData<string, string> OperatorEndpoints() => new()
    {
        { "INGEST_URL", "/api/profiles'" },
        { "CONNECT_URL", "/api/oauth/connect'" },
        { "OUTREACH_REDIRECT_URI", "/api/oauth/callback'" },
        { "KEY_VAULT_URI", "outputs.uri.value" },
        { "KEY_VAULT_NAME", "outputs.name.value" },
        { "FUNCTION_APP_NAME", "outputs.name.value" },
        { "SERVICE_BUS_QUEUE_NAME", "outputs.queueName.value" },
        { "MANAGED_IDENTITY_CLIENT_ID", "outputs.clientId.value" },
    };

    [Theory]
    [MemberData(nameof(OperatorEndpoints))]
    public void Main_outputs_what_an_operator_needs(string output, string expressionPart)
    {
        var value = CompiledTemplate.Main.Root.Outputs[output]?["value"]?.GetValue<string>();
        Assert.NotNull(value);
        Assert.Contains(expressionPart, value, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoints_use_HTTPS_on_the_app_default_host_name()
    {
        foreach (var output in new[] { "INGEST_URL", "CONNECT_URL", "OUTREACH_REDIRECT_URI" })
        {
            Assert.StartsWith(
                "[format('https://{0}/api/",
                CompiledTemplate.Main.Root.Outputs[output]!["value"]!.GetValue<string>(),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_output_exposes_a_secret()
    {
        // Every template, including modules: their outputs are stored in the deployment history too.
        var offenders = CompiledTemplate.Main.Templates
            .SelectMany(template => template.Outputs.Select(output => (template.ModulePath, output.Key, Node: output.Value!)))
            .Where(output =>
                SecretName().IsMatch(output.Key)
                || SecretExpression().IsMatch(output.Node["value"]?.ToString() ?? "")
                || (output.Node["type"]?.GetValue<string>() ?? "").StartsWith("secure", StringComparison.OrdinalIgnoreCase))
            .Select(output => $"{output.ModulePath}:{output.Key}")
            .ToList();

        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"password|secret|connection_?string|instrumentation_?key|account_?key|primary_?key|secondary_?key|shared_?access|api_?key|sas_?token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\blist[A-Z]\w*\(|ConnectionString|InstrumentationKey|primaryKey|secondaryKey|AccountKey|SharedAccess|getSecret\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretExpression();
}
