using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Delivery.SequenceEnrolment;

/// <summary>A mapping with a sequence makes Connect ask for the sequence scopes; one without leaves the scopes as configured.</summary>
public sealed class SequenceScopesTests
{
    private static OutreachOptions Configured(DestinationMapping mapping, SequenceOptions? sequences = null)
    {
        var options = new OutreachOptions { Scopes = "prospects.read prospects.write sequences.read" };
        new SequenceScopes(Options.Create(mapping), Options.Create(sequences ?? new SequenceOptions())).PostConfigure(Options.DefaultName, options);
        return options;
    }

    private static DestinationMapping Mapping(bool withSequence)
    {
        var mapping = new DestinationMapping();
        mapping.Audiences.Add(new AudienceMapping
        {
            AudienceId = "aaaaaaaa-1111-4000-8000-000000000001",
            MappingId = 1,
            Sequence = withSequence ? new AudienceSequence { Id = "1", MailboxId = "1" } : null,
        });
        return mapping;
    }

    [Fact]
    public void A_mapping_with_a_sequence_adds_the_sequence_scopes_it_lacks_once()
    {
        Assert.Equal(
            ["prospects.read", "prospects.write", "sequences.read", "mailboxes.read", "sequenceStates.read", "sequenceStates.write"],
            Configured(Mapping(withSequence: true)).ScopeList);
    }

    [Fact]
    public void A_mapping_without_a_sequence_leaves_the_scopes_as_configured()
    {
        Assert.Equal(["prospects.read", "prospects.write", "sequences.read"], Configured(Mapping(withSequence: false)).ScopeList);
    }

    [Fact]
    public void The_sequence_scopes_are_a_setting_because_their_names_are_unconfirmed()
    {
        var options = Configured(Mapping(withSequence: true), new SequenceOptions { Scopes = "sequence_states.write" });

        Assert.Equal(["prospects.read", "prospects.write", "sequences.read", "sequence_states.write"], options.ScopeList);
    }
}
