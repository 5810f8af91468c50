using Azure;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Mapping;
using Outreach.Connector.Tests.Ingest;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.SequenceEnrolment;

/// <summary>The planner rule of enrolment: which statuses enrol, which exit, and which are repeats.</summary>
public sealed class EnrolmentPlannerTests
{
    private static CompiledMapping Mapping(bool enrolExisting = false)
    {
        var mapping = SampleFiles.Mapping();
        mapping.Audiences[0].Sequence = new AudienceSequence { Id = "12", MailboxId = "4", OnExit = "finish" };
        mapping.Audiences[0].EnrolExisting = enrolExisting ? "true" : null;
        return CompiledMapping.Compile(mapping);
    }

    private static CoalescedUpdate Group(long prospectId, string status, int minute) =>
        new(prospectId, new Dictionary<string, CoalescedField> { ["custom1"] = new(Change(status, minute), At(minute)) }, []);

    [Fact]
    public void Realized_enrols_existing_only_when_the_audience_says_so_exited_exits_and_prospects_without_an_id_wait()
    {
        IReadOnlyList<CoalescedUpdate> groups = [Group(1, "realized", 1), Group(2, "existing", 1), Group(3, "exited", 1), Group(0, "realized", 1)];

        var events = EnrolmentPlanner.Plan(groups, Mapping(), out var existingSkipped);
        Assert.Equal([(1L, SequenceEventKind.Enter), (3L, SequenceEventKind.Exit)], events.Select(e => (e.ProspectId, e.Kind)));
        Assert.Equal(1, existingSkipped);

        var backfill = EnrolmentPlanner.Plan(groups, Mapping(enrolExisting: true), out existingSkipped);
        Assert.Equal([1L, 2L, 3L], backfill.Select(e => e.ProspectId));
        Assert.Equal(0, existingSkipped);
    }

    [Fact]
    public void A_repeat_enrols_no_one_and_a_re_entry_after_an_exit_enrols_again()
    {
        var rule = Mapping().Sequences[0];
        var entry = new SequenceEvent(1, rule, SequenceEventKind.Enter, At(1));
        EnrolmentRecord Row(string state, DateTimeOffset? exitAt = null) => new(1, 12, state, At(1), exitAt, null, ETag.All);

        Assert.Equal(SequenceEventDecision.Enrol, EnrolmentPlanner.Decide(null, entry, dryRun: false));
        Assert.Equal(SequenceEventDecision.Skip, EnrolmentPlanner.Decide(Row(EnrolmentStates.Enrolled), entry, dryRun: false));
        Assert.Equal(SequenceEventDecision.Skip, EnrolmentPlanner.Decide(Row(EnrolmentStates.Pending), entry, dryRun: false));
        Assert.Equal(SequenceEventDecision.Skip, EnrolmentPlanner.Decide(Row(EnrolmentStates.Refused), entry, dryRun: false));
        Assert.Equal(SequenceEventDecision.Skip, EnrolmentPlanner.Decide(Row(EnrolmentStates.Planned), entry, dryRun: true));

        // An exit at minute 2, then a new entry at minute 3; an entry older than the exit arriving late enrols no one.
        Assert.Equal(SequenceEventDecision.Exit, EnrolmentPlanner.Decide(Row(EnrolmentStates.Enrolled), entry with { Kind = SequenceEventKind.Exit, ObservedAt = At(2) }, dryRun: false));
        Assert.Equal(SequenceEventDecision.Enrol, EnrolmentPlanner.Decide(Row(EnrolmentStates.Exited, At(2)), entry with { ObservedAt = At(3) }, dryRun: false));
        Assert.Equal(SequenceEventDecision.Skip, EnrolmentPlanner.Decide(Row(EnrolmentStates.Exited, At(2)), entry, dryRun: false));
    }

    [Theory]
    [InlineData("The prospect has opted out of email", "opted_out", true)]
    [InlineData("Prospect is already active in this sequence", "already_in_sequence", true)]
    [InlineData("The sequence is disabled", "sequence_disabled", false)]
    [InlineData("something new", "refused", true)]
    public void Refusals_are_read_into_reasons(string text, string code, bool permanent) =>
        Assert.Equal(new EnrolmentRefusal(code, permanent), EnrolmentRefusal.From(text));
}
