using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;

namespace Outreach.Connector.Tests.Mapping;

/// <summary>The mapping's sequence per audience (<c>sequence</c>, <c>enrolExisting</c>), checked at start in the marketer's words.</summary>
public sealed class SequenceMappingTests
{
    private static DestinationMapping WithSequence(string? id = "12", string? mailboxId = "4", string? onExit = null, string? enrolExisting = null)
    {
        var mapping = SampleFiles.Mapping();
        var audience = mapping.Audiences[0];
        audience.Sequence = new AudienceSequence { Id = id, MailboxId = mailboxId, OnExit = onExit };
        audience.EnrolExisting = enrolExisting;
        return mapping;
    }

    private static string OneProblem(DestinationMapping mapping) =>
        Assert.Single(Assert.Throws<InvalidMappingException>(() => CompiledMapping.Compile(mapping)).Problems);

    [Fact]
    public void A_sequence_compiles_into_its_rule_and_only_realized_enrols_by_default()
    {
        var rule = Assert.Single(CompiledMapping.Compile(WithSequence(onExit: "Finish")).Sequences);

        Assert.Equal((1, 12L, 4L, SequenceExit.Finish, false), (rule.MappingId, rule.SequenceId, rule.MailboxId, rule.OnExit, rule.EnrolExisting));
        Assert.True(Assert.Single(CompiledMapping.Compile(WithSequence(enrolExisting: "true")).Sequences).EnrolExisting);
        Assert.Empty(CompiledMapping.Compile(SampleFiles.Mapping()).Sequences);
    }

    [Theory]
    [InlineData("abc", "4", null, null, "has sequence id 'abc'")]
    [InlineData(null, "4", null, null, "has a sequence without an id")]
    [InlineData("12", null, null, null, "names no mailboxId")]
    [InlineData("12", "-4", null, null, "has sequence mailboxId '-4'")]
    [InlineData("12", "4", "stop", null, "has sequence onExit 'stop'; use none")]
    [InlineData("12", "4", "1", null, "has sequence onExit '1'")]
    [InlineData("12", "4", null, "yes", "has enrolExisting 'yes'; use true")]
    public void A_wrong_sequence_setting_is_named(string? id, string? mailboxId, string? onExit, string? enrolExisting, string expected) =>
        Assert.Contains(expected, OneProblem(WithSequence(id, mailboxId, onExit, enrolExisting)), StringComparison.Ordinal);

    [Fact]
    public void EnrolExisting_without_a_sequence_is_named()
    {
        var mapping = SampleFiles.Mapping();
        mapping.Audiences[0].EnrolExisting = "true";
        Assert.Contains("enrolExisting true but no sequence", OneProblem(mapping), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_needs_status_texts_that_tell_entry_from_backfill()
    {
        var mapping = WithSequence();
        mapping.StatusValues.Existing = mapping.StatusValues.Realized;
        Assert.Contains("must differ", OneProblem(mapping), StringComparison.Ordinal);
    }
}
