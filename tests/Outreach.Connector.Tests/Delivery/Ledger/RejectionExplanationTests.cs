using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Ledger;

public sealed class RejectionExplanationTests
{
    private static readonly ProspectUpdate Update =
        TestUpdates.Update(42, 0, ("custom7", Change("realized", 0, "aud-123")), ("firstName", Change("Ann", 0)));

    private static OutreachCallOutcome.Permanent Rejected(params OutreachError[] errors) => new(422, errors, default);

    [Fact]
    public void A_rejected_custom_field_names_its_audience_and_mapping_id()
    {
        var text = RejectionExplanation.Describe(
            Rejected(new OutreachError("validationError", "Validation Error", "Custom7 is too long", "/data/attributes/custom7")), Update);

        Assert.Equal("Outreach rejected custom7 (audience 'aud-123', mapping ID 7): Custom7 is too long", text);
    }

    [Fact]
    public void A_custom_field_not_in_the_update_still_names_its_mapping_id()
    {
        var located = RejectionExplanation.Locate(new OutreachError("validationError", null, "bad", "/data/attributes/custom151"), Update);

        Assert.Equal(new RejectedField("custom151", null, 151), located);
    }

    [Fact]
    public void A_rejected_standard_attribute_is_named_without_mapping_id()
    {
        var text = RejectionExplanation.Describe(Rejected(new OutreachError("validationError", "Invalid", null, "/data/attributes/firstName")), Update);

        Assert.Equal("Outreach rejected firstName: Invalid", text);
    }

    [Fact]
    public void An_error_without_pointer_names_the_prospect_and_status()
    {
        var text = RejectionExplanation.Describe(
            new OutreachCallOutcome.Permanent(404, [new OutreachError("resourceNotFound", "Not Found", "Prospect 42 not found", null)], default), Update);

        Assert.Equal("Outreach rejected the update of prospect 42 (HTTP 404 resourceNotFound): Prospect 42 not found", text);
    }

    [Fact]
    public void The_primary_error_is_the_first_that_points_at_an_attribute()
    {
        var general = new OutreachError("validationError", "Invalid", null, null);
        var pointed = new OutreachError("validationError", "Invalid", null, "/data/attributes/custom7");

        Assert.Same(pointed, RejectionExplanation.PrimaryError([general, pointed]));
    }
}
