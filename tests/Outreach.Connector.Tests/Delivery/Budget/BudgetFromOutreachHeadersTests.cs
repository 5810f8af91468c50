using Microsoft.Extensions.Logging.Abstractions;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tests.Outreach;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Budget;

// The shared budget learns Outreach's count from the pipeline's rate-limit handler, with no caller involved.
[Collection(AzuriteCollection.Name)]
public sealed class BudgetFromOutreachHeadersTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_call_through_the_pipeline_corrects_the_shared_budget_from_outreachs_headers()
    {
        var harness = new DeliveryHarness(azurite, o => o.RequestsPerWindow = 10_000);
        await using var clients = await SandboxClients.StartAsync();
        var sender = OutreachApiSender.Create(
            new SocketsHttpHandler(), clients.Tokens, new OutreachOptions { ApiBaseUrl = clients.Sandbox.ApiBaseAddress }, TimeProvider.System, [harness.Budget]);
        using var other = clients.Sandbox.CreateApiClient(clients.AccessToken);

        // Another integration acting as the same user spends three requests the budget never handed out.
        for (var i = 0; i < 3; i++)
        {
            (await other.GetAsync("prospects/1")).EnsureSuccessStatusCode();
        }

        var read = await new OutreachProspectReader(sender, Microsoft.Extensions.Options.Options.Create(new OutreachBulkOptions()), NullLogger<OutreachProspectReader>.Instance)
            .ReadAsync([1], ["firstName"], null, CancellationToken.None);

        Assert.Equal(10_000 - 4, Assert.IsType<OutreachCallOutcome.Succeeded<ProspectsRead>>(read).RateLimit.Remaining);
        Assert.Equal(4, (await harness.Budget.ReadStatusAsync(CancellationToken.None)).Used);
    }
}
