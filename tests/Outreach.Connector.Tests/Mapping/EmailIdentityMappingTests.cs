using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Ingest.SampleFiles;

namespace Outreach.Connector.Tests.Mapping;

public sealed class EmailIdentityMappingTests
{
    private static DestinationMapping EmailMapping(string? identityNamespace = "Email", string? source = null, string? outreachIdNamespace = null)
    {
        var mapping = SampleFiles.Mapping();
        mapping.IdentityMatch = "email";
        mapping.IdentityNamespace = identityNamespace;
        mapping.IdentitySource = source;
        mapping.OutreachIdNamespace = outreachIdNamespace;
        return mapping;
    }

    private static string Profile(string identityMap, string extra = "") =>
        $$$$"""{ {{{{extra}}}} "segmentMembership": {"ups":{"{{{{HighIntent}}}}":{"status":"realized"}}}, "identityMap": {{{{identityMap}}}} }""";

    private static ProfileOutcome TranslateOne(string json, DestinationMapping mapping) => Assert.Single(Translate(json, mapping).Outcomes);

    private static ProspectUpdate Accepted(string json, DestinationMapping mapping) =>
        Assert.IsType<ProfileOutcome.Accepted>(TranslateOne(json, mapping)).Update;

    [Fact]
    public void Email_namespace_gives_an_update_carrying_the_normalized_email_and_no_prospect_id()
    {
        var update = Accepted(Profile("""{"EMAIL":[{"id":"  Ada@Example.COM "}]}"""), EmailMapping());

        Assert.Equal(0, update.ProspectId);
        Assert.Equal("ada@example.com", update.Email);
        Assert.True(update.NeedsResolution);
        Assert.Equal("realized", update.Fields["custom1"].Value.AsString());
    }

    [Fact]
    public void Primary_email_is_used_when_the_namespace_lists_several()
    {
        var update = Accepted(Profile("""{"email":[{"id":"old@example.com"},{"id":"ada@example.com","primary":true}]}"""), EmailMapping());
        Assert.Equal("ada@example.com", update.Email);
    }

    [Fact]
    public void First_email_is_used_when_none_is_primary()
    {
        var update = Accepted(Profile("""{"email":[{"id":"ada@example.com"},{"id":"not an address"}]}"""), EmailMapping());
        Assert.Equal("ada@example.com", update.Email);
    }

    [Fact]
    public void Email_at_an_xdm_path_is_read()
    {
        var mapping = EmailMapping(identityNamespace: null, source: "workEmail.address");
        var update = Accepted(Profile("{}", """ "workEmail": {"address": "Ada@Example.com"}, """), mapping);
        Assert.Equal("ada@example.com", update.Email);
    }

    [Fact]
    public void Outreach_id_wins_over_the_email_when_both_are_present()
    {
        var update = Accepted(Profile("""{"email":[{"id":"ada@example.com"}],"oid":[{"id":"42"}]}"""), EmailMapping(outreachIdNamespace: "Oid"));

        Assert.Equal(42, update.ProspectId);
        Assert.Null(update.Email);
        Assert.False(update.NeedsResolution);
    }

    [Fact]
    public void Unusable_outreach_id_falls_back_to_the_email()
    {
        var update = Accepted(Profile("""{"email":[{"id":"ada@example.com"}],"oid":[{"id":"abc"}]}"""), EmailMapping(outreachIdNamespace: "Oid"));
        Assert.Equal("ada@example.com", update.Email);
    }

    [Fact]
    public void Invalid_email_is_invalid_with_its_json_path()
    {
        var invalid = Assert.IsType<ProfileOutcome.Invalid>(TranslateOne(Profile("""{"Email":[{"id":"ada at example.com"}]}"""), EmailMapping()));

        Assert.Equal("$.identityMap.Email[0].id", invalid.ErrorPath);
        Assert.DoesNotContain("ada", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_that_is_not_text_is_invalid_with_its_path()
    {
        var mapping = EmailMapping(identityNamespace: null, source: "workEmail.address");
        var invalid = Assert.IsType<ProfileOutcome.Invalid>(TranslateOne(Profile("{}", """ "workEmail": {"address": 7}, """), mapping));
        Assert.Equal("$.workEmail.address", invalid.ErrorPath);
    }

    [Fact]
    public void Profile_without_email_or_id_is_excluded_as_no_email_identity()
    {
        var excluded = Assert.IsType<ProfileOutcome.Excluded>(TranslateOne(Profile("""{"ecid":[{"id":"1"}]}"""), EmailMapping(outreachIdNamespace: "Oid")));
        Assert.Equal(ExclusionReasons.NoEmailIdentity, excluded.Reason);
    }

    [Fact]
    public void Outreach_id_mapping_is_unchanged_and_defaults_to_the_oid_namespace()
    {
        var mapping = SampleFiles.Mapping();
        mapping.IdentityNamespace = null;
        var update = Accepted(Profile("""{"oid":[{"id":"7"}],"email":[{"id":"ada@example.com"}]}"""), mapping);

        Assert.Equal(7, update.ProspectId);
        Assert.Null(update.Email);
    }

    [Theory]
    [InlineData("skip", DuplicateEmailRule.Skip)]
    [InlineData(null, DuplicateEmailRule.Skip)]
    [InlineData("ALL", DuplicateEmailRule.All)]
    [InlineData("lowest_id", DuplicateEmailRule.LowestId)]
    [InlineData("lowestId", DuplicateEmailRule.LowestId)]
    public void Duplicate_rule_is_read_case_insensitively(string? value, DuplicateEmailRule expected)
    {
        var mapping = EmailMapping();
        mapping.DuplicateEmails = value;
        Assert.Equal(expected, CompiledMapping.Compile(mapping).DuplicateEmails);
    }

    [Fact]
    public void Email_mapping_without_a_place_for_the_email_is_explained()
    {
        var problem = Assert.Single(DestinationMappingValidator.Problems(EmailMapping(identityNamespace: null)));
        Assert.StartsWith("identityMatch is email, but the mapping does not say where the email is", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_mapping_with_both_namespace_and_source_is_explained()
    {
        var problem = Assert.Single(DestinationMappingValidator.Problems(EmailMapping(source: "workEmail.address")));
        Assert.Equal("Both identityNamespace and identitySource name the email; keep one of them.", problem);
    }

    [Fact]
    public void Unknown_identity_match_and_duplicate_rule_are_explained()
    {
        var mapping = EmailMapping();
        mapping.DuplicateEmails = "first";
        Assert.StartsWith("Mapping__DuplicateEmails is 'first'; use skip", Assert.Single(DestinationMappingValidator.Problems(mapping)), StringComparison.Ordinal);

        mapping.IdentityMatch = "phone";
        Assert.Contains(DestinationMappingValidator.Problems(mapping), p => p.StartsWith("identityMatch is 'phone'; use outreachId", StringComparison.Ordinal));
    }

    [Fact]
    public void Email_settings_on_an_outreach_id_mapping_are_explained()
    {
        var mapping = SampleFiles.Mapping();
        mapping.IdentitySource = "workEmail.address";
        var problem = Assert.Single(DestinationMappingValidator.Problems(mapping));
        Assert.StartsWith("identitySource is set, but it is only used when identityMatch is email", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void One_namespace_for_emails_and_ids_is_explained()
    {
        var problem = Assert.Single(DestinationMappingValidator.Problems(EmailMapping(outreachIdNamespace: "email")));
        Assert.Contains("one namespace cannot hold both emails and Outreach ids", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_email_mapping_is_valid_and_its_sample_export_names_the_prospect_by_email()
    {
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(PathOf("mapping-email.json"), mapping);
        Assert.Empty(DestinationMappingValidator.Problems(mapping));

        var translation = Translator(mapping).Translate(Export("email-only-profile.json"), ReceivedAt);
        var update = Assert.IsType<ProfileOutcome.Accepted>(Assert.Single(translation.Outcomes)).Update;

        Assert.Equal("prospect2@example.test", update.Email);
        Assert.Equal(["custom1", "custom3", "firstName", "lastName"], update.Fields.Keys.Order(StringComparer.Ordinal));
    }
}
