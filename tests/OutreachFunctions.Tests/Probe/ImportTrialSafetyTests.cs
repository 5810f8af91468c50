using System.Text;
using Outreach.Connector.Updates;
using Outreach.Connector.Outreach;
using OutreachFunctions.Probe;

namespace OutreachFunctions.Tests.Probe;

/// <summary>
/// The upsert trial's last check before a send: only <c>overwriteNoCreate</c>, only the test prospect. The sandbox
/// tests show the trial's real requests pass it; these show what it refuses.
/// </summary>
public sealed class ImportTrialSafetyTests
{
    private static readonly ProbeArguments TestProspect = new(7, "custom1");

    [Theory]
    [InlineData(ImportRecordShape.Resource, 1)]
    [InlineData(ImportRecordShape.Document, 100)]
    public void The_trial_s_own_bodies_send_overwrite_no_create_for_the_test_prospect_only(ImportRecordShape shape, int groupSize)
    {
        var body = ImportTrial.Body(shape, groupSize, TestProspect, FieldValue.FromString("probe"));

        Assert.Null(ImportTrial.SafetyProblem(body, TestProspect.ProspectId));
        Assert.Contains("\"dupeMethod\":\"overwriteNoCreate\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("overwrite")]
    [InlineData("skip")]
    [InlineData("missing")]
    public void A_dupe_method_that_can_create_a_prospect_is_refused(string dupeMethod)
    {
        var body = Encoding.UTF8.GetBytes(
            "{\"data\":{\"type\":\"import\",\"attributes\":{\"dupeMethod\":\"" + dupeMethod + "\",\"records\":[{\"type\":\"prospect\",\"id\":7,\"attributes\":{}}]}}}");

        Assert.Contains("dupe method", ImportTrial.SafetyProblem(body, TestProspect.ProspectId), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"prospect\",\"id\":8,\"attributes\":{}}")]
    [InlineData("{\"data\":{\"type\":\"prospect\",\"id\":8,\"attributes\":{}}}")]
    [InlineData("{\"type\":\"prospect\",\"attributes\":{}}")]
    [InlineData("{\"type\":\"prospect\",\"id\":\"7\",\"attributes\":{}}")]
    public void A_record_that_does_not_name_the_test_prospect_by_its_numeric_id_is_refused(string record)
    {
        var body = Encoding.UTF8.GetBytes(
            "{\"data\":{\"type\":\"import\",\"attributes\":{\"dupeMethod\":\"overwriteNoCreate\",\"records\":[{\"type\":\"prospect\",\"id\":7},"
            + record + "]}}}");

        Assert.Contains("test prospect 7", ImportTrial.SafetyProblem(body, TestProspect.ProspectId), StringComparison.Ordinal);
    }
}
