using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Delivery.Bulk;

public sealed class BulkCallCostTests
{
    private static RateLimitSnapshot Remaining(int remaining) => new(10_000, remaining, null);

    [Fact]
    public void Before_any_measurement_a_call_takes_one_permit_and_is_capped_to_fit_a_per_id_charge()
    {
        var cost = new BulkCallCost();

        Assert.Equal(1, cost.PermitsFor(100));
        Assert.Equal(50, cost.MaxIdsPerCall(configuredMax: 100, permitCap: 50));
    }

    [Fact]
    public void A_drop_of_one_keeps_bulk_calls_at_one_permit_and_lifts_the_cap()
    {
        var cost = new BulkCallCost();
        cost.Observe(Remaining(9_000));

        cost.ObserveBulkCall(cost.RemainingBeforeCall(), Remaining(8_999), ids: 40);

        Assert.Equal(1, cost.PermitsFor(100));
        Assert.Equal(100, cost.MaxIdsPerCall(configuredMax: 100, permitCap: 50));
    }

    [Fact]
    public void A_drop_of_more_than_one_is_adopted_per_id()
    {
        var cost = new BulkCallCost();
        cost.Observe(Remaining(9_000));

        cost.ObserveBulkCall(cost.RemainingBeforeCall(), Remaining(8_960), ids: 40);

        Assert.Equal(1.0, cost.PermitsPerId);
        Assert.Equal(25, cost.PermitsFor(25));
        Assert.Equal(50, cost.MaxIdsPerCall(configuredMax: 100, permitCap: 50));
    }

    [Fact]
    public void A_rise_or_missing_headers_teach_nothing()
    {
        var cost = new BulkCallCost();
        cost.ObserveBulkCall(null, Remaining(8_000), ids: 10);
        cost.ObserveBulkCall(8_000, Remaining(9_990), ids: 10);
        cost.ObserveBulkCall(8_000, RateLimitSnapshot.None, ids: 10);

        Assert.Equal(0, cost.PermitsPerId);
        Assert.Equal(50, cost.MaxIdsPerCall(configuredMax: 100, permitCap: 50));
    }

    [Fact]
    public void A_later_call_costing_one_request_ends_the_per_id_charge()
    {
        var cost = new BulkCallCost();
        cost.ObserveBulkCall(9_000, Remaining(8_900), ids: 100);
        Assert.Equal(100, cost.PermitsFor(100));

        cost.ObserveBulkCall(8_900, Remaining(8_899), ids: 100);

        Assert.Equal(1, cost.PermitsFor(100));
    }
}
