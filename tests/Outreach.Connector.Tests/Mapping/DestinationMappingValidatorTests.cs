using Microsoft.Extensions.Configuration;
using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;

namespace Outreach.Connector.Tests.Mapping;

public sealed class DestinationMappingValidatorTests
{
    private static DestinationMapping WithAudiences(params AudienceMapping[] audiences)
    {
        var mapping = new DestinationMapping();
        foreach (var audience in audiences)
        {
            mapping.Audiences.Add(audience);
        }

        return mapping;
    }

    [Fact]
    public void Sample_mapping_is_valid()
    {
        Assert.Empty(DestinationMappingValidator.Problems(SampleFiles.Mapping()));
    }

    [Theory]
    [InlineData(151)]
    [InlineData(0)]
    [InlineData(-3)]
    public void Mapping_id_outside_outreach_custom_fields_is_explained(int mappingId)
    {
        var mapping = WithAudiences(new AudienceMapping { AudienceId = "a1", Name = "High intent", MappingId = mappingId });
        var problem = Assert.Single(DestinationMappingValidator.Problems(mapping));
        Assert.Equal($"Audience 'High intent' has mapping ID {mappingId}; Outreach has custom fields 1 to 150.", problem);
    }

    [Fact]
    public void Audience_without_a_name_is_named_by_its_id()
    {
        var mapping = WithAudiences(new AudienceMapping { AudienceId = "a1", MappingId = 151 });
        Assert.StartsWith("Audience 'a1' has mapping ID 151", Assert.Single(DestinationMappingValidator.Problems(mapping)), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_audiences_on_one_custom_field_are_explained()
    {
        var mapping = WithAudiences(
            new AudienceMapping { AudienceId = "a1", Name = "High intent", MappingId = 7 },
            new AudienceMapping { AudienceId = "a2", Name = "Churn risk", MappingId = 7 });
        Assert.Equal(
            "Audiences 'High intent' and 'Churn risk' both use mapping ID 7; each audience needs its own custom field.",
            Assert.Single(DestinationMappingValidator.Problems(mapping)));
    }

    [Fact]
    public void Audience_mapped_twice_is_explained()
    {
        var mapping = WithAudiences(
            new AudienceMapping { AudienceId = "a1", Name = "High intent", MappingId = 1 },
            new AudienceMapping { AudienceId = "A1", Name = "High intent", MappingId = 2 });
        Assert.Contains("is mapped twice", Assert.Single(DestinationMappingValidator.Problems(mapping)), StringComparison.Ordinal);
    }

    [Fact]
    public void Audience_without_id_is_explained()
    {
        var mapping = WithAudiences(new AudienceMapping { Name = "High intent", MappingId = 1 });
        Assert.Equal(
            "Audience #1 ('High intent') has no audience ID: copy it from the audience's page in AEP.",
            Assert.Single(DestinationMappingValidator.Problems(mapping)));
    }

    [Fact]
    public void Attribute_to_an_unknown_outreach_attribute_lists_what_is_writable()
    {
        var mapping = new DestinationMapping();
        mapping.Attributes.Add(new AttributeMapping { Source = "person.name.firstName", Target = "first_name" });
        var problem = Assert.Single(DestinationMappingValidator.Problems(mapping));
        Assert.StartsWith("'person.name.firstName' is mapped to 'first_name', which is not a prospect attribute", problem, StringComparison.Ordinal);
        Assert.Contains("firstName", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("custom151")]
    [InlineData("custom0")]
    [InlineData("custom07")]
    [InlineData("name")]
    public void Attribute_to_a_field_outreach_does_not_let_us_write_is_refused(string target)
    {
        var mapping = new DestinationMapping();
        mapping.Attributes.Add(new AttributeMapping { Source = "a.b", Target = target });
        Assert.Single(DestinationMappingValidator.Problems(mapping));
    }

    [Fact]
    public void Attribute_to_a_custom_field_an_audience_uses_is_explained()
    {
        var mapping = WithAudiences(new AudienceMapping { AudienceId = "a1", Name = "High intent", MappingId = 7 });
        mapping.Attributes.Add(new AttributeMapping { Source = "loyalty.tier", Target = "custom7" });
        Assert.Equal(
            "'loyalty.tier' is mapped to custom7, but custom7 already shows audience 'High intent' (mapping ID 7); pick a custom field no audience uses.",
            Assert.Single(DestinationMappingValidator.Problems(mapping)));
    }

    [Fact]
    public void Two_sources_for_one_attribute_are_explained()
    {
        var mapping = new DestinationMapping();
        mapping.Attributes.Add(new AttributeMapping { Source = "person.name.firstName", Target = "firstName" });
        mapping.Attributes.Add(new AttributeMapping { Source = "person.name.courtesyName", Target = "firstName" });
        Assert.Contains("are both mapped to 'firstName'", Assert.Single(DestinationMappingValidator.Problems(mapping)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("person..name")]
    [InlineData(".person")]
    public void Attribute_without_a_usable_source_path_is_explained(string source)
    {
        var mapping = new DestinationMapping();
        mapping.Attributes.Add(new AttributeMapping { Source = source, Target = "firstName" });
        Assert.Contains("no usable source path", Assert.Single(DestinationMappingValidator.Problems(mapping)), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_mapping_is_explained()
    {
        Assert.Equal(
            "The mapping has no audiences and no attributes, so nothing would ever be written to Outreach.",
            Assert.Single(DestinationMappingValidator.Problems(new DestinationMapping())));
    }

    [Fact]
    public void Empty_status_text_and_identity_namespace_are_explained()
    {
        var mapping = WithAudiences(new AudienceMapping { AudienceId = "a1", MappingId = 1 });
        mapping.IdentityNamespace = " ";
        mapping.StatusValues.Exited = "";
        var problems = DestinationMappingValidator.Problems(mapping);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("identity namespace is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("status 'exited' is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_reports_every_problem_at_once()
    {
        var mapping = WithAudiences(
            new AudienceMapping { AudienceId = "a1", Name = "One", MappingId = 151 },
            new AudienceMapping { AudienceId = "a2", Name = "Two", MappingId = 200 });
        var exception = Assert.Throws<InvalidMappingException>(() => CompiledMapping.Compile(mapping));
        Assert.Equal(2, exception.Problems.Count);
        Assert.Contains("'One' has mapping ID 151", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'Two' has mapping ID 200", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_add_audiences_to_the_mapping_file()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mapping:File"] = SampleFiles.PathOf("mapping.json"),
            ["Mapping:IdentityNamespace"] = "OutreachId",
            ["Mapping:Audiences:0:AudienceId"] = "eeee",
            ["Mapping:Audiences:0:MappingId"] = "12",
        }).Build();
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.Load(configuration.GetSection("Mapping"), mapping);

        Assert.Equal("OutreachId", mapping.IdentityNamespace);
        Assert.Equal(4, mapping.Audiences.Count);
        Assert.Equal(12, mapping.Audiences.Single(a => a.AudienceId == "eeee").MappingId);
        Assert.Empty(DestinationMappingValidator.Problems(mapping));
    }

    [Fact]
    public void Missing_mapping_file_is_named_in_the_error()
    {
        var exception = Assert.Throws<InvalidMappingException>(() => MappingServiceCollectionExtensions.LoadFile("/nonexistent/mapping.json", new DestinationMapping()));
        Assert.Contains("/nonexistent/mapping.json", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_file_that_is_not_json_is_refused_with_its_name()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "{ not json");
        try
        {
            var exception = Assert.Throws<InvalidMappingException>(() => MappingServiceCollectionExtensions.LoadFile(path, new DestinationMapping()));
            Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
