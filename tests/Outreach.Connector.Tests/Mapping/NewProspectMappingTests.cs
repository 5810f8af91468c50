using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;

namespace Outreach.Connector.Tests.Mapping;

/// <summary>The mapping's prospect creation (<c>createProspects</c>, <c>newProspectDefaults</c>), checked at start in the marketer's words.</summary>
public sealed class NewProspectMappingTests
{
    private static DestinationMapping Creating(string? create = "true", params (string Name, string? Value)[] defaults)
    {
        var mapping = SampleFiles.Mapping();
        mapping.IdentityMatch = "email";
        mapping.IdentityNamespace = "Email";
        mapping.CreateProspects = create;
        foreach (var (name, value) in defaults)
        {
            mapping.NewProspectDefaults[name] = value;
        }

        return mapping;
    }

    private static string OneProblem(DestinationMapping mapping) =>
        Assert.Single(Assert.Throws<InvalidMappingException>(() => CompiledMapping.Compile(mapping)).Problems);

    [Fact]
    public void Creating_is_off_unless_the_mapping_says_true()
    {
        Assert.False(CompiledMapping.Compile(Creating(create: null)).CreateProspects);
        Assert.False(CompiledMapping.Compile(Creating(create: "false")).CreateProspects);
        Assert.True(CompiledMapping.Compile(Creating()).CreateProspects);
    }

    [Fact]
    public void Defaults_compile_into_the_values_a_create_carries()
    {
        var compiled = CompiledMapping.Compile(Creating("true", ("tags", "aep, webinar"), ("source", " AEP "), ("ownerId", "12"), ("score", "7.5")));

        Assert.Equal("""["aep","webinar"]""", compiled.NewProspectDefaults["tags"].Json);
        Assert.Equal("AEP", compiled.NewProspectDefaults["source"].AsString());
        Assert.Equal("7.5", compiled.NewProspectDefaults["score"].Json);
        Assert.Equal(12, compiled.NewProspectOwnerId);
        Assert.False(compiled.NewProspectDefaults.ContainsKey("ownerId"));
    }

    [Theory]
    [InlineData("yes", "createProspects is 'yes'; use true")]
    public void A_value_that_is_not_true_or_false_is_named(string value, string expected) =>
        Assert.StartsWith(expected, OneProblem(Creating(value)), StringComparison.Ordinal);

    [Fact]
    public void Creating_needs_email_matching()
    {
        var mapping = Creating();
        mapping.IdentityMatch = "outreachId";
        mapping.IdentityNamespace = null;
        Assert.Contains("a prospect can only be created from an email", OneProblem(mapping), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_without_creating_are_a_problem() =>
        Assert.Contains("only used for new prospects", OneProblem(Creating("false", ("source", "AEP"))), StringComparison.Ordinal);

    [Theory]
    [InlineData("sourse", "AEP", "newProspectDefaults.sourse: sourse is not an Outreach prospect attribute; did you mean source?")]
    [InlineData("ownerId", "Ada", "newProspectDefaults.ownerId is 'Ada'; use the number of the Outreach user")]
    [InlineData("emails", "a@b.c", "newProspectDefaults.emails: a new prospect's email is the one of its profile")]
    [InlineData("custom1", "x", "newProspectDefaults.custom1: custom1 shows an audience's status")]
    [InlineData("score", "high", "newProspectDefaults.score is 'high'; score takes a number.")]
    [InlineData("source", " ", "newProspectDefaults.source is empty or longer than")]
    public void A_bad_default_is_named_with_its_key(string name, string value, string expected) =>
        Assert.StartsWith(expected, OneProblem(Creating("true", (name, value))), StringComparison.Ordinal);
}
