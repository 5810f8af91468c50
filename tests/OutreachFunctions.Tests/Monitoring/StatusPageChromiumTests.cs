using System.Globalization;
using System.Text.RegularExpressions;
using Outreach.Connector.Monitoring;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.Monitoring.InjectedFailuresScenario;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>The status page, loaded in headless Chromium after an end-to-end run, shows the run's numbers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class StatusPageChromiumTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Status_page_in_headless_chromium_shows_the_numbers_of_the_run()
    {
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, Settings());
        var status = await RunAsync(connector, sandbox);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(connector.BaseAddress, "/api/status?key=" + StandaloneConnector.Secret));

        Assert.True(dom.Contains("data-rendered=\"true\"", StringComparison.Ordinal), "the page's script did not render the status: " + Error(dom));
        var totals = status.Totals;
        Assert.Equal(Received.ToString(CultureInfo.InvariantCulture), Total(dom, "received"));
        Assert.Equal(totals.Activated.ToString(CultureInfo.InvariantCulture), Total(dom, "activated"));
        Assert.Equal(Good.Length.ToString(CultureInfo.InvariantCulture), Total(dom, "activated"));
        Assert.Equal((ExcludedNoIdentity + ExcludedNotInteger).ToString(CultureInfo.InvariantCulture), Total(dom, "excluded"));
        Assert.Equal(InvalidProfiles.ToString(CultureInfo.InvariantCulture), Total(dom, "invalid"));
        Assert.Equal((Missing.Length + BadMapping.Length).ToString(CultureInfo.InvariantCulture), Total(dom, "failed"));
        Assert.Equal(totals.RateLimited.ToString(CultureInfo.InvariantCulture), Total(dom, "rateLimited"));
        Assert.Equal(Math.Round(totals.ActivationRate!.Value * 100, 1).ToString(CultureInfo.InvariantCulture) + " %", Total(dom, "activationRate"));
        Assert.Contains("data-health=\"degraded\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-reason=\"failure_rate\"", dom, StringComparison.Ordinal);

        // Failures by error code, with samples.
        Assert.Equal(Missing.Length.ToString(CultureInfo.InvariantCulture), Cell(dom, "data-error=\"resourceNotFound\"", "count"));
        Assert.Equal(BadMapping.Length.ToString(CultureInfo.InvariantCulture), Cell(dom, "data-error=\"validationError\"", "count"));
        Assert.Contains(Missing[0].ToString(CultureInfo.InvariantCulture), Cell(dom, "data-error=\"resourceNotFound\"", "samples"), StringComparison.Ordinal);

        // The activation view.
        Assert.Equal(Good.Count(id => id % 2 == 1).ToString(CultureInfo.InvariantCulture), Cell(dom, $"data-audience=\"{HighIntent}\"", "realized"));
        Assert.Equal(Good.Count(id => id % 2 == 0).ToString(CultureInfo.InvariantCulture), Cell(dom, $"data-audience=\"{HighIntent}\"", "exited"));
        Assert.Equal(Good.Length.ToString(CultureInfo.InvariantCulture), Cell(dom, $"data-audience=\"{ChurnRisk}\"", "existing"));
        Assert.Equal("3", Cell(dom, $"data-audience=\"{Webinar}\"", "mappingId"));
        Assert.Equal(BadMapping.Length.ToString(CultureInfo.InvariantCulture), Cell(dom, $"data-audience=\"{Webinar}\"", "failed"));

        // The current hour's run row and its bar in the 24-hour chart.
        var run = status.Runs[^1];
        Assert.Equal(run.Activated.ToString(CultureInfo.InvariantCulture), Cell(dom, $"data-run=\"{run.RunId}\"", "activated"));
        Assert.Contains($"data-bar=\"{run.RunId}:activated\" data-value=\"{run.Activated}\"", dom, StringComparison.Ordinal);
        Assert.Equal(24, BarColumns().Matches(dom).Select(m => m.Groups["run"].Value).Distinct().Count() + status.Runs.Count(r => r.Activated + r.Excluded + r.Invalid + r.Failed == 0));
    }

    [Fact]
    public async Task Status_page_without_the_secret_is_refused()
    {
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, Settings());
        using var anonymous = new HttpClient { BaseAddress = connector.BaseAddress };

        foreach (var route in new[] { "/api/status", "/api/status/data", "/api/health", "/api/admin/dryrun", "/api/status?key=wrong" })
        {
            var response = await anonymous.GetAsync(new Uri(route, UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var replay = await anonymous.PostAsync(new Uri("/api/admin/replay", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    private static string Total(string dom, string name)
    {
        var match = Regex.Match(dom, $"data-total=\"{name}\">(?<v>[^<]*)<", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"the page shows no total '{name}'");
        return match.Groups["v"].Value;
    }

    // The text of the cell with data-field="field" inside the row whose opening tag holds rowAttribute.
    private static string Cell(string dom, string rowAttribute, string field)
    {
        var row = Regex.Match(dom, $"<tr {Regex.Escape(rowAttribute)}>(?<row>.*?)</tr>", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        Assert.True(row.Success, $"the page has no row {rowAttribute}");
        var cell = Regex.Match(row.Groups["row"].Value, $"data-field=\"{field}\"[^>]*>(?<v>[^<]*)<", RegexOptions.CultureInvariant);
        Assert.True(cell.Success, $"row {rowAttribute} has no cell {field}");
        return cell.Groups["v"].Value;
    }

    private static string Error(string dom) => Regex.Match(dom, "<div id=\"error\"[^>]*>(?<v>[^<]*)<", RegexOptions.CultureInvariant).Groups["v"].Value;

    [GeneratedRegex("data-bar=\"(?<run>[0-9]{10}):", RegexOptions.CultureInvariant)]
    private static partial Regex BarColumns();
}
