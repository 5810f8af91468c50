using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>
/// Sequences, mailboxes and sequence states: the seeded org, enrolling one prospect with POST /sequenceStates, the
/// ruleset's refusals, finish/pause/resume/delete, the id-only filters, scopes, and the repeat-enrolment guard.
/// </summary>
public sealed class SequenceTests
{
    /// <summary>What a connector that enrols and reads states asks for.</summary>
    internal const string SequenceScopes = "prospects.read prospects.write sequences.read sequenceStates.read sequenceStates.write sequenceStates.delete mailboxes.read";

    [Fact]
    public async Task The_default_org_has_sequences_enabled_or_not_with_or_without_emails_and_mailboxes_that_may_send_or_not()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);

        var sequences = await api.ReadListAsync("sequences");
        var steps = await api.ReadListAsync("sequenceSteps?filter[sequence][id]=2");
        var mailboxes = await api.ReadListAsync("mailboxes");
        using var disabled = await api.GetAsync("sequences/3");
        using var unknown = await api.GetAsync("mailboxes/99");

        Assert.Equal("true,true,false", string.Join(',', sequences.Select(s => s.GetProperty("attributes").GetProperty("enabled").GetBoolean() ? "true" : "false")));
        Assert.Equal("call", Assert.Single(steps).GetProperty("attributes").GetProperty("stepType").GetString());
        Assert.Equal([false, true], mailboxes.Select(m => m.GetProperty("attributes").GetProperty("sendDisabled").GetBoolean()));
        Assert.Equal(sandbox.UserEmail, mailboxes[0].GetProperty("attributes").GetProperty("email").GetString());
        Assert.False((await disabled.ReadDataAsync()).GetProperty("attributes").GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Enrolling_answers_201_with_an_active_state_found_by_the_prospect_and_sequence_filters()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);

        using var response = await api.EnrolAsync(prospect: 4, sequence: 1, mailbox: 1);
        var found = await api.ReadListAsync("sequenceStates?filter[prospect][id]=4&filter[sequence][id]=1");
        var other = await api.ReadListAsync("sequenceStates?filter[prospect][id]=5");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var state = await response.ReadDataAsync();
        Assert.Equal("active", state.GetProperty("attributes").GetProperty("state").GetString());
        Assert.Equal(4, state.GetProperty("relationships").GetProperty("prospect").GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal(state.GetProperty("id").GetInt64(), Assert.Single(found).GetProperty("id").GetInt64());
        Assert.Empty(other);
        Assert.Equal(new EnrolmentCountView(4, 1, 1), EnrolmentCountView.From(Assert.Single(await sandbox.GetEnrolmentsAsync())));
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Sequences.Enrolments);
    }

    [Theory]
    [InlineData("disabled sequence", 3, 1, "The sequence is disabled")]
    [InlineData("mailbox that may not send", 1, 2, "The mailbox is not allowed to send")]
    [InlineData("opted-out prospect, email steps", 1, 1, "has opted out")]
    [InlineData("prospect without email, email steps", 1, 1, "has no email address")]
    public async Task The_ruleset_refuses_an_enrolment_with_422_and_its_reason(string situation, int sequence, int mailbox, string reason)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        if (situation.StartsWith("opted-out", StringComparison.Ordinal))
        {
            (await api.PatchAttributesAsync(6, """{"optedOut":true}""")).Dispose();
        }
        else if (situation.StartsWith("prospect without", StringComparison.Ordinal))
        {
            (await api.PatchAttributesAsync(6, """{"emails":[]}""")).Dispose();
        }

        using var response = await api.EnrolAsync(prospect: 6, sequence, mailbox);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal(("validationError", "/data"), (error.Id, error.Source?.Pointer));
        Assert.Contains(reason, error.Detail, StringComparison.Ordinal);
        Assert.Empty(await sandbox.GetEnrolmentsAsync());
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Sequences.Refusals);
    }

    [Fact]
    public async Task An_opted_out_prospect_may_join_a_sequence_without_email_steps()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        (await api.PatchAttributesAsync(6, """{"optedOut":true}""")).Dispose();

        using var response = await api.EnrolAsync(prospect: 6, sequence: 2, mailbox: 1);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_prospect_already_in_the_sequence_or_active_in_another_is_refused()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        (await api.EnrolAsync(prospect: 7, sequence: 1, mailbox: 1)).Dispose();

        using var again = await api.EnrolAsync(prospect: 7, sequence: 1, mailbox: 1);
        using var another = await api.EnrolAsync(prospect: 7, sequence: 2, mailbox: 1);

        Assert.Contains("already active in this sequence", (await again.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Contains("one active sequence at a time", (await another.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Sequences.Enrolments);
    }

    [Fact]
    public async Task A_finished_prospect_cannot_join_the_same_sequence_again_by_default_but_may_join_another()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        var stateId = await api.EnrolledStateIdAsync(prospect: 7, sequence: 1);
        (await api.PostJsonApiAsync($"sequenceStates/{stateId}/actions/finish", "")).Dispose();

        using var same = await api.EnrolAsync(prospect: 7, sequence: 1, mailbox: 1);
        using var other = await api.EnrolAsync(prospect: 7, sequence: 2, mailbox: 1);

        Assert.Contains("allows it only once", (await same.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task Finish_pause_and_resume_move_one_state_and_refuse_a_move_its_state_does_not_allow()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        var stateId = await api.EnrolledStateIdAsync(prospect: 8, sequence: 1);

        var paused = await api.ActAsync(stateId, "pause");
        using var pauseAgain = await api.PostJsonApiAsync($"sequenceStates/{stateId}/actions/pause", "");
        var resumed = await api.ActAsync(stateId, "resume");
        var finished = await api.ActAsync(stateId, "finish");
        using var finishAgain = await api.PostJsonApiAsync($"sequenceStates/{stateId}/actions/finish", "");
        using var unknown = await api.PostJsonApiAsync("sequenceStates/999/actions/finish", "");

        Assert.Equal(("paused", "active", "finished"), (paused, resumed, finished));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pauseAgain.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, finishAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var counters = (await sandbox.GetCountersAsync()).Sequences;
        Assert.Equal((1, 1, 1), (counters.StatesPaused, counters.StatesResumed, counters.StatesFinished));
    }

    [Fact]
    public async Task Deleting_a_state_lets_the_prospect_in_again_which_the_guard_counts_as_a_repeat_enrolment()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        sandbox.ExpectsRepeatEnrolments = true;
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        var stateId = await api.EnrolledStateIdAsync(prospect: 9, sequence: 1);

        using var delete = await api.DeleteAsync($"sequenceStates/{stateId}");
        using var again = await api.EnrolAsync(prospect: 9, sequence: 1, mailbox: 1);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(2, Assert.Single(await sandbox.GetEnrolmentsAsync(prospectId: 9)).Enrolments);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Sequences.RepeatEnrolments);
    }

    [Fact]
    public async Task Disposing_the_sandbox_fails_a_test_that_enrolled_a_prospect_twice_without_expecting_it()
    {
        var sandbox = await SandboxTestKit.StartAsync(options => options.Sequences.AllowReenrolment = true);
        using (var api = await sandbox.ConnectedApiAsync(SequenceScopes))
        {
            var stateId = await api.EnrolledStateIdAsync(prospect: 9, sequence: 1);
            await api.ActAsync(stateId, "finish");
            (await api.EnrolAsync(prospect: 9, sequence: 1, mailbox: 1)).Dispose();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await sandbox.DisposeAsync());

        Assert.Contains("already been enrolled in 1 time(s)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_unknown_relationship_is_a_422_with_its_pointer()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);

        using var noMailbox = await api.PostJsonApiAsync(
            "sequenceStates", """{"data":{"type":"sequenceState","relationships":{"prospect":{"data":{"type":"prospect","id":2}},"sequence":{"data":{"type":"sequence","id":1}}}}}""");
        using var unknown = await api.EnrolAsync(prospect: 999, sequence: 77, mailbox: 1);

        Assert.Equal("/data/relationships/mailbox", (await noMailbox.ReadSingleErrorAsync()).Source?.Pointer);
        Assert.Equal(["/data/relationships/prospect", "/data/relationships/sequence"], (await unknown.ReadErrorsAsync()).Select(e => e.Source?.Pointer));
        Assert.Empty(await sandbox.GetEnrolmentsAsync());
    }

    [Fact]
    public async Task Sequence_states_are_filtered_by_relationship_id_only()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);

        using var byEmail = await api.GetAsync("sequenceStates?filter[prospect][emails]=prospect2@example.test");

        Assert.Equal(HttpStatusCode.BadRequest, byEmail.StatusCode);
    }

    [Theory]
    [InlineData("GET", "sequences", "sequences.read")]
    [InlineData("GET", "mailboxes/1", "mailboxes.read")]
    [InlineData("GET", "sequenceStates", "sequenceStates.read")]
    [InlineData("POST", "sequenceStates", "sequenceStates.write")]
    [InlineData("DELETE", "sequenceStates/1", "sequenceStates.delete")]
    public async Task Each_sequence_endpoint_needs_its_scope(string method, string url, string scope)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync(string.Join(' ', SequenceScopes.Split(' ').Where(s => s != scope)));

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        using var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(scope, (await response.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scope_names_are_configurable()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.Sequences.SequencesScope = "sequence");
        using var api = await sandbox.ConnectedApiAsync("sequence.read");

        using var response = await api.GetAsync("sequences/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("duplicate")]
    [InlineData("scope")]
    public void Invalid_sequence_options_fail_at_start(string problem)
    {
        var options = new SandboxOptions();
        switch (problem)
        {
            case "id": options.Sequences.Sequences.Add(new SandboxSequence { Id = 0, Name = "zero" }); break;
            case "duplicate":
                options.Sequences.Mailboxes.Add(new SandboxMailbox { Id = 5, Email = "a@example.org" });
                options.Sequences.Mailboxes.Add(new SandboxMailbox { Id = 5, Email = "b@example.org" });
                break;
            default: options.Sequences.SequenceStatesScope = " "; break;
        }

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SandboxApp.Create(options));
    }

    [Fact]
    public async Task Sequences_and_mailboxes_come_from_configuration_and_change_through_admin()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options =>
        {
            options.Sequences.Sequences.Add(new SandboxSequence { Id = 40, Name = "Configured", Enabled = true, HasEmailSteps = true });
            options.Sequences.Mailboxes.Add(new SandboxMailbox { Id = 50, Email = "sender@example.org", SendingEnabled = true });
        });
        using var api = await sandbox.ConnectedApiAsync(SequenceScopes);
        Assert.Equal([40L], (await api.ReadListAsync("sequences")).Select(s => s.GetProperty("id").GetInt64()));

        using var disable = await sandbox.Admin.PutAsync(
            "admin/sequences/40", new StringContent("""{"name":"Configured","enabled":false,"hasEmailSteps":true}""", Encoding.UTF8, "application/json"));
        using var refused = await api.EnrolAsync(prospect: 2, sequence: 40, mailbox: 50);

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Contains("disabled", (await refused.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
    }
}

/// <summary>An enrolment count as a comparable value.</summary>
internal sealed record EnrolmentCountView(long ProspectId, long SequenceId, int Enrolments)
{
    public static EnrolmentCountView From(Sequences.EnrolmentCount count) => new(count.ProspectId, count.SequenceId, count.Enrolments);
}

/// <summary>Requests of the sequence endpoints.</summary>
internal static class SequenceRequests
{
    public static Task<HttpResponseMessage> EnrolAsync(this HttpClient api, long prospect, long sequence, long mailbox) =>
        api.PostJsonApiAsync("sequenceStates", "{\"data\":{\"type\":\"sequenceState\",\"relationships\":{"
            + Related("prospect", prospect) + "," + Related("sequence", sequence) + "," + Related("mailbox", mailbox) + "}}}");

    private static string Related(string type, long id) =>
        "\"" + type + "\":{\"data\":{\"type\":\"" + type + "\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + "}}";

    public static async Task<long> EnrolledStateIdAsync(this HttpClient api, long prospect, long sequence)
    {
        using var response = await api.EnrolAsync(prospect, sequence, mailbox: 1);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadDataAsync()).GetProperty("id").GetInt64();
    }

    /// <summary>Runs finish, pause or resume and returns the state it left.</summary>
    public static async Task<string?> ActAsync(this HttpClient api, long stateId, string action)
    {
        using var response = await api.PostJsonApiAsync(string.Create(CultureInfo.InvariantCulture, $"sequenceStates/{stateId}/actions/{action}"), "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadDataAsync()).GetProperty("attributes").GetProperty("state").GetString();
    }

    public static async Task<IReadOnlyList<JsonElement>> ReadListAsync(this HttpClient api, string url)
    {
        using var response = await api.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadDataAsync()).EnumerateArray()];
    }
}
