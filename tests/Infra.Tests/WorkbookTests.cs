using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class WorkbookTests
{
    private static TemplateResource Workbook => CompiledTemplate.Main.Single("Microsoft.Insights/workbooks");

    private static string Query(string variable) => Workbook.Template.Variables[variable]!.GetValue<string>();

    private static IEnumerable<string> Queries =>
        Workbook.Template.Variables.Where(pair => pair.Key.EndsWith("Query", StringComparison.Ordinal)).Select(pair => pair.Value!.GetValue<string>());

    [Fact]
    public void Workbook_reads_the_deployments_Application_Insights()
    {
        Assert.Equal("[parameters('appInsightsId')]", Workbook.TextAt("properties.sourceId"));
        Assert.Equal("workbook", Workbook.TextAt("properties.category"));
        Assert.Equal("[string(variables('content'))]", Workbook.TextAt("properties.serializedData"));
        Assert.Equal("[reference('monitoring').outputs.appInsightsId.value]", CompiledTemplate.Main.Module("workbook").ParameterValuePassedIn("appInsightsId"));
    }

    [Fact]
    public void Workbook_shows_runs_per_hour_failures_by_error_code_and_activation_per_audience()
    {
        Assert.Contains("bin(timestamp, 1h)", Query("runsQuery"), StringComparison.Ordinal);
        Assert.Contains("ActivationRate", Query("runsQuery"), StringComparison.Ordinal);
        Assert.Contains("\"outreach.updates.failed\"", Query("failuresQuery"), StringComparison.Ordinal);
        Assert.Contains("customDimensions.error_id", Query("failuresQuery"), StringComparison.Ordinal);
        Assert.Contains("SampleProspectIds", Query("failuresQuery"), StringComparison.Ordinal);
        Assert.Contains("\"outreach.audience.writes\"", Query("audiencesQuery"), StringComparison.Ordinal);
        Assert.Contains("\"outreach.queue.lag\"", Query("pacingQuery"), StringComparison.Ordinal);
        Assert.Contains("\"outreach.budget.remaining\"", Query("pacingQuery"), StringComparison.Ordinal);
        Assert.Contains("\"outreach.connection.needs_reauthorization\"", Query("connectionQuery"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_metric_the_workbook_queries_is_one_the_app_emits()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Outreach.Connector", "Monitoring", "ConnectorTelemetry.cs"));
        var emitted = MetricName().Matches(source).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var queried = Queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        Assert.Subset(emitted, queried);
    }

    [GeneratedRegex("\"outreach\\.[a-z_.]+\"", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();
}
