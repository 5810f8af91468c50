using System.Net;
using System.Text;

namespace OutreachFunctions.Tests.LocalRun;

/// <summary>
/// Issue 15's proof through the local run: with samples/mapping-email.json, the sample export whose only identity is an
/// email updates the sandbox prospect holding that email, as the banner's walkthrough says.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class LocalRunEmailWalkthroughTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("localrun-email-");

    [Fact]
    public async Task The_email_only_sample_updates_the_prospect_with_that_email_and_the_banner_shows_how()
    {
        var mapping = Path.Combine(Outreach.Testing.RepositoryRoot.Path, "samples", "mapping-email.json");
        await using var run = await LocalRunProcess.StartAsync(_state.FullName, ["--mapping", "samples/mapping-email.json", "--sandbox-prospects", "5"]);
        var secret = (await File.ReadAllTextAsync(Path.Combine(_state.FullName, "ingest-secret"))).Trim();

        var banner = run.Output()[run.Output().IndexOf("Ready:", StringComparison.Ordinal)..];
        Assert.Contains("Mapping:  " + mapping, banner, StringComparison.Ordinal);
        Assert.Contains($"Connect:  {run.ConnectorBase}api/oauth/connect?key={secret}", banner, StringComparison.Ordinal);
        Assert.Contains($"Status:   {run.ConnectorBase}api/status?key={secret}", banner, StringComparison.Ordinal);
        Assert.Contains("--data @samples/exports/email-only-profile.json", banner, StringComparison.Ordinal);
        Assert.Contains($"curl -s {run.SandboxBase}admin/prospects/2", banner, StringComparison.Ordinal);

        // --sandbox-prospects reached the sandbox: prospects 1..5 exist, 6 does not.
        using (var sandbox = new HttpClient { BaseAddress = run.SandboxBase })
        {
            using var fifth = await sandbox.GetAsync("admin/prospects/5");
            using var sixth = await sandbox.GetAsync("admin/prospects/6");
            Assert.Equal(HttpStatusCode.OK, fifth.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, sixth.StatusCode);
        }

        using var client = run.CreateIngestClient(secret);
        var export = await File.ReadAllTextAsync(Path.Combine(Outreach.Testing.RepositoryRoot.Path, "samples", "exports", "email-only-profile.json"));
        using var content = new StringContent(export, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("api/profiles", content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

        await run.AssertProspectsHoldAsync(new Dictionary<long, Dictionary<string, string>>
        {
            [2] = new() { ["firstName"] = "Grace", ["lastName"] = "Hopper", ["custom1"] = "realized", ["custom3"] = "existing" },
        });
    }

    /// <inheritdoc />
    public void Dispose() => _state.Delete(recursive: true);
}
