using Microsoft.Extensions.Configuration;
using Outreach.Connector.Mapping;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Mapping;

// A key the mapping does not know is never silently dropped: it is a problem of the mapping, in the marketer's words,
// naming the key as typed and the nearest known key, listed with the mapping's other problems.
public sealed class MappingKeysTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mapping-keys-");

    public void Dispose() => _folder.Delete(recursive: true);

    private IReadOnlyList<string> ProblemsOfFile(string json)
    {
        var path = Path.Combine(_folder.FullName, "mapping.json");
        File.WriteAllText(path, json);
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(path, mapping);
        return DestinationMappingValidator.Problems(mapping);
    }

    [Fact]
    public void A_misspelt_key_in_the_file_is_named_with_the_nearest_known_key()
    {
        var problems = ProblemsOfFile("""
            { "identityNamspace": "Email", "audiences": [ { "audienceId": "a-1", "mappingId": 1 } ] }
            """);

        Assert.Contains("`identityNamspace` is not a mapping key; did you mean `identityNamespace`? (mapping file mapping.json)", problems);
    }

    [Fact]
    public void A_misspelt_key_inside_a_list_entry_is_named_with_its_place()
    {
        var problems = ProblemsOfFile("""
            { "audiences": [ { "audienceId": "a-1", "mappingId": 1 }, { "audienceId": "a-2", "mapingId": 2 } ] }
            """);

        Assert.Contains("`audiences[1].mapingId` is not a mapping key; did you mean `audiences[1].mappingId`? (mapping file mapping.json)", problems);
    }

    [Fact]
    public void A_key_nothing_resembles_lists_the_keys()
    {
        var problems = ProblemsOfFile("""
            { "sequences": { "enroll": true }, "audiences": [ { "audienceId": "a-1", "mappingId": 1 } ] }
            """);

        var problem = Assert.Single(problems, p => p.StartsWith("`sequences`", StringComparison.Ordinal));
        Assert.Contains("is not a mapping key (mapping file mapping.json); the keys are ", problem, StringComparison.Ordinal);
        Assert.Contains("identityNamespace", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_spelt_in_another_case_are_known()
    {
        var problems = ProblemsOfFile("""
            { "IdentityNamespace": "Oid", "Audiences": [ { "AudienceID": "a-1", "MappingId": 1, "NAME": "x" } ], "statusValues": { "Realized": "yes" } }
            """);

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("mapping.json")]
    [InlineData("mapping-email.json")]
    public void The_sample_mappings_have_no_unknown_key(string sample)
    {
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(Path.Combine(RepositoryRoot.Path, "samples", sample), mapping);

        Assert.DoesNotContain(DestinationMappingValidator.Problems(mapping), p => p.Contains("is not a mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelt_mapping_setting_is_named_as_an_app_setting_with_the_nearest_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mapping:identityNamspace"] = "Email",
            ["Mapping:Audiences:0:AudienceId"] = "a-1",
            ["Mapping:Audiences:0:MappingId"] = "1",
        }).Build();
        var mapping = new DestinationMapping();

        MappingServiceCollectionExtensions.Load(configuration.GetSection(DestinationMapping.SectionName), mapping);

        Assert.Contains("`Mapping__identityNamspace` is not a mapping setting; did you mean `Mapping__IdentityNamespace`?", DestinationMappingValidator.Problems(mapping));
    }

    [Fact]
    public void The_mapping_file_setting_is_a_known_mapping_setting()
    {
        var path = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mapping:File"] = path }).Build();
        var mapping = new DestinationMapping();

        MappingServiceCollectionExtensions.Load(configuration.GetSection(DestinationMapping.SectionName), mapping);

        Assert.Empty(DestinationMappingValidator.Problems(mapping));
    }
}
