using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Ingest.SampleFiles;

namespace Outreach.Connector.Tests.Mapping;

public sealed class ProfileTranslatorTests
{
    private static ProspectUpdate AcceptedUpdate(string json) =>
        Assert.IsType<ProfileOutcome.Accepted>(Assert.Single(Translate(json).Outcomes)).Update;

    private static string Profile(string membership, string identityMap = """{"oid":[{"id":"42"}]}""", string extra = "") =>
        $$$$$"""{ {{{{{extra}}}}} "segmentMembership": {{{{{membership}}}}}, "identityMap": {{{{{identityMap}}}}} }""";

    private static string Ups(string audienceId, string status, string time = "2025-03-02T10:15:00Z") =>
        $$$$$"""{"ups":{"{{{{{audienceId}}}}}":{"status":"{{{{{status}}}}}","lastQualificationTime":"{{{{{time}}}}}"}}}""";

    [Fact]
    public void Sample_profile_becomes_one_update_with_audience_fields_and_attributes()
    {
        var translation = Translator().Translate(Export("single-profile.json"), ReceivedAt);
        var update = Assert.IsType<ProfileOutcome.Accepted>(Assert.Single(translation.Outcomes)).Update;

        Assert.Equal(1, update.ProspectId);
        Assert.Equal(ReceivedAt, update.ReceivedAt);
        Assert.Equal(["custom1", "custom2", "firstName", "lastName"], update.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("realized", update.Fields["custom1"].Value.AsString());
        Assert.Equal(HighIntent, update.Fields["custom1"].AudienceId);
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 10, 15, 0, TimeSpan.Zero), update.Fields["custom1"].ObservedAt);
        Assert.Equal("Ada", update.Fields["firstName"].Value.AsString());
        Assert.Equal(ReceivedAt, update.Fields["firstName"].ObservedAt);
        Assert.Null(update.Fields["firstName"].AudienceId);
    }

    [Fact]
    public void Exited_audience_writes_exited_status()
    {
        var update = AcceptedUpdate(Profile(Ups(ChurnRisk, "exited")));
        Assert.Equal("exited", update.Fields["custom2"].Value.AsString());
    }

    [Theory]
    [InlineData("realized", "Active")]
    [InlineData("existing", "Still active")]
    [InlineData("exited", "Inactive")]
    public void Configured_status_values_are_written_instead_of_raw_status(string status, string expected)
    {
        var mapping = SampleFiles.Mapping();
        mapping.StatusValues = new StatusValues { Realized = "Active", Existing = "Still active", Exited = "Inactive" };
        var outcome = Assert.Single(Translate(Profile(Ups(HighIntent, status)), mapping).Outcomes);
        Assert.Equal(expected, Assert.IsType<ProfileOutcome.Accepted>(outcome).Update.Fields["custom1"].Value.AsString());
    }

    [Theory]
    [InlineData("2025-03-02T10:15:00Z")]
    [InlineData("2025-03-02T10:15:00+0000")]
    [InlineData("2025-03-02T10:15:00.000+0000")]
    public void Audience_field_is_observed_at_its_last_qualification_time_in_every_format(string time)
    {
        var update = AcceptedUpdate(Profile(Ups(HighIntent, "realized", time)));
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 10, 15, 0, TimeSpan.Zero), update.Fields["custom1"].ObservedAt);
    }

    [Fact]
    public void Audience_without_qualification_time_is_observed_at_receipt()
    {
        var update = AcceptedUpdate(Profile($$$$$"""{"ups":{"{{{{{HighIntent}}}}}":{"status":"existing"}}}"""));
        Assert.Equal(ReceivedAt, update.Fields["custom1"].ObservedAt);
    }

    [Fact]
    public void Epoch_millisecond_qualification_time_and_segment_timestamps_are_read()
    {
        var update = AcceptedUpdate(Profile(
            $$$$$"""{"ups":{"{{{{{HighIntent}}}}}":{"status":"realized","lastQualificationTime":1740910500000,"name":"High intent","createdAt":1735689600000,"updatedAt":1738368000000}}}"""));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1740910500000), update.Fields["custom1"].ObservedAt);
    }

    [Fact]
    public void Unmapped_audiences_are_ignored()
    {
        var update = AcceptedUpdate(Profile(
            $$$$$"""{"ups":{"{{{{{Unmapped}}}}}":{"status":"realized"},"{{{{{Webinar}}}}}":{"status":"realized"}}}"""));
        Assert.Equal(["custom3"], update.Fields.Keys);
    }

    [Fact]
    public void Unmapped_audiences_are_ignored_even_when_malformed()
    {
        var update = AcceptedUpdate(Profile($$$$$"""{"ups":{"{{{{{Unmapped}}}}}":"garbage","{{{{{Webinar}}}}}":{"status":"realized"}}}"""));
        Assert.Equal(["custom3"], update.Fields.Keys);
    }

    [Fact]
    public void Membership_in_other_namespaces_than_ups_is_read()
    {
        var update = AcceptedUpdate(Profile(
            $$$$$"""{"ups":{"{{{{{HighIntent}}}}}":{"status":"realized"}},"CustomerAudienceUpload":{"{{{{{Webinar}}}}}":{"status":"exited"}}}"""));
        Assert.Equal("exited", update.Fields["custom3"].Value.AsString());
        Assert.Equal("realized", update.Fields["custom1"].Value.AsString());
    }

    [Fact]
    public void Same_audience_in_two_namespaces_keeps_the_newest_evaluation()
    {
        var update = AcceptedUpdate(Profile(
            $$$$$"""{"ups":{"{{{{{HighIntent}}}}}":{"status":"exited","lastQualificationTime":"2025-03-02T12:00:00Z"}},"other":{"{{{{{HighIntent}}}}}":{"status":"realized","lastQualificationTime":"2025-03-01T12:00:00Z"}}}"""));
        Assert.Equal("exited", update.Fields["custom1"].Value.AsString());
    }

    [Theory]
    [InlineData("oid")]
    [InlineData("Oid")]
    [InlineData("OID")]
    public void Identity_namespace_is_matched_case_insensitively(string key)
    {
        var update = AcceptedUpdate(Profile(Ups(HighIntent, "realized"), $$$$$"""{"{{{{{key}}}}}":[{"id":"77"}]}"""));
        Assert.Equal(77, update.ProspectId);
    }

    [Fact]
    public void Identity_namespace_is_configurable()
    {
        var mapping = SampleFiles.Mapping();
        mapping.IdentityNamespace = "OutreachId";
        var outcome = Assert.Single(Translate(Profile(Ups(HighIntent, "realized"), """{"outreachid":[{"id":"9"}],"oid":[{"id":"1"}]}"""), mapping).Outcomes);
        Assert.Equal(9, Assert.IsType<ProfileOutcome.Accepted>(outcome).Update.ProspectId);
    }

    [Fact]
    public void Numeric_identity_id_is_accepted()
    {
        Assert.Equal(5, AcceptedUpdate(Profile(Ups(HighIntent, "realized"), """{"oid":[{"id":5}]}""")).ProspectId);
    }

    [Fact]
    public void The_same_id_twice_is_one_identity()
    {
        Assert.Equal(5, AcceptedUpdate(Profile(Ups(HighIntent, "realized"), """{"oid":[{"id":"5"},{"id":5}]}""")).ProspectId);
    }

    [Theory]
    [InlineData("""{"ecid":[{"id":"1"}]}""", ExclusionReasons.NoOutreachIdentity)]
    [InlineData("""{"oid":[]}""", ExclusionReasons.NoOutreachIdentity)]
    [InlineData("null", ExclusionReasons.NoOutreachIdentity)]
    [InlineData("""{"oid":[{"id":"abc"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":"0"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":"-4"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":"1.5"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":" 12"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":"99999999999999999999"}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":true}]}""", ExclusionReasons.IdentityNotPositiveInteger)]
    [InlineData("""{"oid":[{"id":"1"},{"id":"2"}]}""", ExclusionReasons.ConflictingOutreachIdentities)]
    [InlineData("""{"oid":[{"id":"1"}],"OID":[{"id":"2"}]}""", ExclusionReasons.ConflictingOutreachIdentities)]
    public void Profile_without_one_usable_outreach_id_is_excluded_with_a_reason(string identityMap, string reason)
    {
        var outcome = Assert.Single(Translate(Profile(Ups(HighIntent, "realized"), identityMap)).Outcomes);
        var excluded = Assert.IsType<ProfileOutcome.Excluded>(outcome);
        Assert.Equal(reason, excluded.Reason);
        Assert.False(string.IsNullOrWhiteSpace(excluded.Detail));
    }

    [Fact]
    public void Profile_without_identity_map_is_excluded()
    {
        var outcome = Assert.Single(Translate($$$$$"""{"segmentMembership":{{{{{Ups(HighIntent, "realized")}}}}}}""").Outcomes);
        Assert.Equal(ExclusionReasons.NoOutreachIdentity, Assert.IsType<ProfileOutcome.Excluded>(outcome).Reason);
    }

    [Fact]
    public void Profile_with_only_unmapped_audiences_and_no_attributes_is_excluded_as_nothing_mapped()
    {
        var outcome = Assert.Single(Translate(Profile(Ups(Unmapped, "realized"))).Outcomes);
        Assert.Equal(ExclusionReasons.NothingMapped, Assert.IsType<ProfileOutcome.Excluded>(outcome).Reason);
    }

    [Theory]
    [InlineData("""{"segmentMembership":[],"identityMap":{"oid":[{"id":"1"}]}}""", "$.segmentMembership")]
    [InlineData("""{"segmentMembership":{"ups":[]},"identityMap":{"oid":[{"id":"1"}]}}""", "$.segmentMembership.ups")]
    [InlineData("""{"segmentMembership":{"ups":{"aaaaaaaa-1111-4000-8000-000000000001":{"status":"dancing"}}},"identityMap":{"oid":[{"id":"1"}]}}""",
        "$.segmentMembership.ups['aaaaaaaa-1111-4000-8000-000000000001'].status")]
    [InlineData("""{"segmentMembership":{"ups":{"aaaaaaaa-1111-4000-8000-000000000001":{"status":1}}},"identityMap":{"oid":[{"id":"1"}]}}""",
        "$.segmentMembership.ups['aaaaaaaa-1111-4000-8000-000000000001'].status")]
    [InlineData("""{"segmentMembership":{"ups":{"aaaaaaaa-1111-4000-8000-000000000001":{"status":"realized","lastQualificationTime":"soon"}}},"identityMap":{"oid":[{"id":"1"}]}}""",
        "$.segmentMembership.ups['aaaaaaaa-1111-4000-8000-000000000001'].lastQualificationTime")]
    [InlineData("""{"segmentMembership":{"ups":{"aaaaaaaa-1111-4000-8000-000000000001":[]}},"identityMap":{"oid":[{"id":"1"}]}}""",
        "$.segmentMembership.ups['aaaaaaaa-1111-4000-8000-000000000001']")]
    [InlineData("""{"identityMap":[]}""", "$.identityMap")]
    [InlineData("""{"identityMap":{"oid":{"id":"1"}}}""", "$.identityMap.oid")]
    [InlineData("""{"identityMap":{"oid":[{"value":"1"}]}}""", "$.identityMap.oid[0]")]
    [InlineData("""{"person":{"name":{"firstName":{"x":1}}},"identityMap":{"oid":[{"id":"1"}]}}""", "$.person.name.firstName")]
    [InlineData("""{"person":{"name":{"firstName":["a"]}},"identityMap":{"oid":[{"id":"1"}]}}""", "$.person.name.firstName")]
    [InlineData("[]", "$")]
    public void Malformed_profile_is_invalid_with_the_path_of_the_problem(string profile, string errorPath)
    {
        var outcome = Assert.Single(Translate($"[{profile}]").Outcomes);
        var invalid = Assert.IsType<ProfileOutcome.Invalid>(outcome);
        Assert.Equal("$[0]", invalid.Path);
        Assert.Equal(errorPath.Replace("$", "$[0]", StringComparison.Ordinal), invalid.ErrorPath);
        Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
    }

    [Fact]
    public void Attribute_longer_than_outreach_allows_makes_the_profile_invalid()
    {
        var name = new string('x', 256);
        var outcome = Assert.Single(Translate(Profile(Ups(HighIntent, "realized"), extra: $$$$$"""
            "person":{"name":{"firstName":"{{{{{name}}}}}"}},
            """)).Outcomes);
        var invalid = Assert.IsType<ProfileOutcome.Invalid>(outcome);
        Assert.Equal("$.person.name.firstName", invalid.ErrorPath);
        Assert.Contains("255", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_null_attribute_writes_nothing()
    {
        var update = AcceptedUpdate(Profile(Ups(HighIntent, "realized"), extra: """ "person":{"name":{"firstName":null}}, """));
        Assert.False(update.Fields.ContainsKey("firstName"));
        Assert.False(update.Fields.ContainsKey("lastName"));
    }

    [Fact]
    public void Attributes_alone_make_an_update()
    {
        var update = AcceptedUpdate("""{"person":{"name":{"lastName":"Hopper"}},"identityMap":{"oid":[{"id":"3"}]}}""");
        Assert.Equal("\"Hopper\"", update.Fields["lastName"].Value.Json);
    }

    [Theory]
    [InlineData("emails", "\"ada@example.com\"", "[\"ada@example.com\"]")]
    [InlineData("emails", "[\"a@example.com\",\"b@example.com\"]", "[\"a@example.com\",\"b@example.com\"]")]
    [InlineData("score", "42.5", "42.5")]
    [InlineData("score", "\"17\"", "17")]
    [InlineData("optedOut", "true", "true")]
    [InlineData("optedOut", "\"false\"", "false")]
    [InlineData("title", "7", "\"7\"")]
    [InlineData("custom9", "\"gold\"", "\"gold\"")]
    public void Attribute_values_are_shaped_to_the_outreach_type(string target, string json, string expected)
    {
        var mapping = SampleFiles.Mapping();
        mapping.Attributes.Add(new AttributeMapping { Source = "x.y", Target = target });
        var outcome = Assert.Single(Translate($$$$$"""{"x":{"y":{{{{{json}}}}}},"identityMap":{"oid":[{"id":"3"}]}}""", mapping).Outcomes);
        Assert.Equal(expected, Assert.IsType<ProfileOutcome.Accepted>(outcome).Update.Fields[target].Value.Json);
    }

    [Fact]
    public void Invalid_profile_does_not_affect_the_others_in_the_request()
    {
        var translation = Translator().Translate(Export("mixed-valid-and-invalid.json"), ReceivedAt);
        Assert.Null(translation.BodyError);
        Assert.Collection(
            translation.Outcomes,
            o => Assert.IsType<ProfileOutcome.Accepted>(o),
            o => Assert.Equal(ExclusionReasons.NoOutreachIdentity, Assert.IsType<ProfileOutcome.Excluded>(o).Reason),
            o => Assert.IsType<ProfileOutcome.Invalid>(o),
            o => Assert.Equal(ExclusionReasons.IdentityNotPositiveInteger, Assert.IsType<ProfileOutcome.Excluded>(o).Reason));
        Assert.Equal((1, 2, 1), (translation.AcceptedCount, translation.ExcludedCount, translation.InvalidCount));
    }

    [Theory]
    [InlineData("single-profile.json", 1)]
    [InlineData("batch-of-ten.json", 10)]
    [InlineData("wrapped-profiles.json", 3)]
    public void Every_body_shape_translates_every_profile(string file, int expected)
    {
        var translation = Translator().Translate(Export(file), ReceivedAt);
        Assert.Equal(expected, translation.Outcomes.Count);
        Assert.All(translation.Outcomes, o => Assert.IsType<ProfileOutcome.Accepted>(o));
    }
}
