using Outreach.Connector.Delivery.Claims;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>Several drainers on one connection write every prospect in order: its newest evaluation always ends up in Outreach.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrderingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Three_drainers_given_shuffled_duplicated_conflicting_updates_leave_every_prospect_at_its_newest_value()
    {
        const int limit = 300;
        const int prospects = 60;
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox(limit));
        var settings = FastDelivery(limit);
        settings["Delivery:Claims:ConflictDelay"] = "00:00:00.200";
        settings["Delivery:Claims:Shards"] = "4";
        await using var first = await StandaloneConnector.StartAsync(azurite, sandbox, settings);
        await first.ConnectAsync(sandbox);
        await using var second = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);
        await using var third = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);
        var drainers = new[] { first, second, third };
        var factory = new ProfileFactory();
        var random = new Random(12);

        for (var round = 0; round < 4; round++)
        {
            // Three evaluations per prospect in this round, each posted twice, shuffled and spread over the instances,
            // so copies of older and newer evaluations of one prospect are drained by different drainers at once.
            var profiles = Enumerable.Range(1, prospects)
                .SelectMany(id => Enumerable.Range(0, 3).Select(k => factory.Profile(id, random, minute: (round * 10) + k)))
                .SelectMany(profile => new[] { profile, profile.DeepClone().AsObject() })
                .OrderBy(_ => random.Next())
                .ToList();
            await Task.WhenAll(drainers.Select((drainer, i) => PostAsync(drainer, profiles.Where((_, n) => n % drainers.Length == i).ToList())));
        }

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(0, counters.ByStatus.GetValueOrDefault("429"));
        Assert.All(drainers, d => Assert.NotNull(d.Services.GetService(typeof(ProspectClaimStore))));
    }
}
