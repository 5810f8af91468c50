using Microsoft.Extensions.Logging.Abstractions;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Claims;

/// <summary>The engine writes only to prospects its batch has claimed, and frees them when the batch ends.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeliveryEngineClaimTests(AzuriteFixture azurite)
{
    private static ProspectClaimStore Store(DeliveryHarness harness) =>
        new(harness.Tables,
            Microsoft.Extensions.Options.Options.Create(new ProspectClaimOptions { ConflictDelay = TimeSpan.FromSeconds(4) }),
            harness.Time,
            NullLogger<ProspectClaimStore>.Instance);

    private static DeliveryEngine EngineWithClaims(DeliveryHarness harness) =>
        harness.EngineWith(Store(harness));

    [Fact]
    public async Task A_prospect_claimed_by_another_drainer_is_deferred_briefly_without_using_an_attempt_and_the_others_are_sent()
    {
        var harness = new DeliveryHarness(azurite).AnswerApplied();
        var engine = EngineWithClaims(harness);
        await using var otherDrainer = await Store(harness).ClaimAsync([1], CancellationToken.None);

        var result = await engine.DeliverAsync(
            [Message("m1", Update(1, 1, ("custom1", Change("realized", 1))), attempt: 3), Message("m2", Update(2, 1, ("custom1", Change("exited", 1))))],
            CancellationToken.None);

        Assert.Equal([2L], harness.Sent.Select(s => s.ProspectId));
        Assert.Equal(new MessageFate.Deferred("m1", 2, harness.Time.GetUtcNow() + TimeSpan.FromSeconds(4)), result.Fates[0]);
        Assert.Equal(new MessageFate.Delivered("m2", 1), result.Fates[1]);
    }

    [Fact]
    public async Task The_batch_releases_its_claims_so_another_drainer_can_write_right_after()
    {
        var harness = new DeliveryHarness(azurite).AnswerApplied();
        var engine = EngineWithClaims(harness);

        await engine.DeliverAsync([Message("m1", Update(1, 1, ("custom1", Change("realized", 1))))], CancellationToken.None);
        await using var next = await Store(harness).ClaimAsync([1], CancellationToken.None);

        Assert.Equal([1L], next.Held);
    }
}
