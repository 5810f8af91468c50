using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// Connecting with a mapping that has a sequence: Connect asks for the sequence scopes itself, and the page at the end
/// of connecting checks each audience's sequence against Outreach and says what is not ready.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConnectSequenceCheckTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> SequenceMappingWithDefaultScopes() => new(FastDelivery())
    {
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-sequence.json"),
    };

    [Fact]
    public async Task A_disabled_sequence_shows_on_the_connected_page()
    {
        var options = FastSandbox();
        options.Sequences.Sequences.Add(new SandboxSequence { Id = 1, Name = "Off", Enabled = false, HasEmailSteps = true });
        await using var sandbox = await SandboxServer.StartAsync(options);
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMappingWithDefaultScopes());

        var page = await ConnectorAuthorization.ConnectAsync(connector.BaseAddress, StandaloneConnector.Secret, sandbox);

        Assert.Contains("Sequences are not ready, so nobody is enrolled yet", page, StringComparison.Ordinal);
        Assert.Contains("sequence 1 is disabled in Outreach", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_default_scopes_a_sequence_mapping_connects_with_every_permission_enrolment_needs()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMappingWithDefaultScopes());

        var page = await ConnectorAuthorization.ConnectAsync(connector.BaseAddress, StandaloneConnector.Secret, sandbox);

        Assert.DoesNotContain("missing permissions", page, StringComparison.Ordinal);
        Assert.DoesNotContain("not ready", page, StringComparison.Ordinal);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = connector.BaseAddress };
        using var start = await browser.GetAsync(new Uri("/api/oauth/connect?key=" + Uri.EscapeDataString(StandaloneConnector.Secret), UriKind.Relative));
        var scope = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(start.Headers.Location!.Query)["scope"].ToString().Split(' ');
        Assert.Superset(new HashSet<string> { "prospects.write", "sequences.read", "mailboxes.read", "sequenceStates.read", "sequenceStates.write" }, scope.ToHashSet());
    }
}
