using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Tests.Delivery;

[Collection(AzuriteCollection.Name)]
public sealed class DeliveryEngineTests(AzuriteFixture azurite)
{
    private DeliveryHarness Harness(Action<DeliveryOptions>? configure = null) => new(azurite, configure);

    private static OutreachCallOutcome.Permanent Rejected422(string field) =>
        new(422, [new OutreachError("validationError", "Validation Error", $"{field} is too long", $"/data/attributes/{field}")], default);

    [Fact]
    public async Task Updates_for_one_prospect_in_a_batch_are_sent_as_one_patch_with_the_newest_values()
    {
        var harness = Harness().AnswerApplied();

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 1, ("custom1", Change("realized", 1)), ("firstName", Change("Ann", 1)))),
            Message("m2", Update(2, 1, ("custom1", Change("realized", 1)))),
            Message("m3", Update(1, 2, ("custom1", Change("exited", 2)))),
            Message("m4", Update(1, 3, ("firstName", Change("Anna", 0)))));

        Assert.Equal(2, harness.Sent.Count);
        Assert.Equal(1L, harness.Sent[0].ProspectId);
        Assert.Equal(new Dictionary<string, string> { ["custom1"] = Json("exited"), ["firstName"] = Json("Ann") }, harness.Sent[0].Attributes);
        Assert.All(result.Fates, d => Assert.Equal(new MessageFate.Delivered(d.MessageId, 1), d));
        Assert.Equal(["m1", "m2", "m3", "m4"], result.Fates.Select(d => d.MessageId));
        var counters = await harness.CountersOfThisHourAsync();
        Assert.Equal((4, 2, 2, 2, 4), (counters[Names.Received], counters[Names.Coalesced], counters[Names.RequestsSent], counters[Names.Applied], counters[Names.MessagesApplied]));
    }

    [Fact]
    public async Task Redelivered_update_older_than_applied_value_is_dropped_as_stale()
    {
        var harness = Harness().AnswerApplied();
        await harness.DeliverAsync(Message("new", Update(1, 10, ("custom1", Change("exited", 10)))));

        var result = await harness.DeliverAsync(Message("old", Update(1, 5, ("custom1", Change("realized", 5))), attempt: 3));

        Assert.Single(harness.Sent);
        Assert.Equal(new MessageFate.UpToDate("old", 3), Assert.Single(result.Fates));
        Assert.Equal(1, (await harness.CountersOfThisHourAsync())[Names.Stale]);
    }

    [Fact]
    public async Task Redelivery_of_an_applied_message_completes_without_calling_Outreach()
    {
        var harness = Harness().AnswerApplied();
        var message = Message("m1", Update(1, 1, ("custom1", Change("realized", 1)), ("custom2", Change("exited", 1))));
        await harness.DeliverAsync(message);
        var versionsBefore = await harness.Versions.ReadAsync(1, CancellationToken.None);

        var result = await harness.DeliverAsync(message with { DeliveryAttempt = 2 });

        Assert.Single(harness.Sent);
        Assert.IsType<MessageFate.UpToDate>(Assert.Single(result.Fates));
        var versionsAfter = await harness.Versions.ReadAsync(1, CancellationToken.None);
        Assert.Equal(versionsBefore.ETag, versionsAfter.ETag);
        Assert.Equal(versionsBefore.Fields, versionsAfter.Fields);
        Assert.Equal(2, (await harness.CountersOfThisHourAsync())[Names.Duplicate]);
    }

    [Fact]
    public async Task Only_fields_newer_than_the_applied_values_are_sent()
    {
        var harness = Harness().AnswerApplied();
        await harness.DeliverAsync(Message("m1", Update(1, 10, ("custom1", Change("exited", 10)))));

        await harness.DeliverAsync(Message("m2", Update(1, 12, ("custom1", Change("realized", 5)), ("custom2", Change("realized", 12)))));

        Assert.Equal(new Dictionary<string, string> { ["custom2"] = Json("realized") }, harness.Sent[1].Attributes);
    }

    [Fact]
    public async Task A_future_event_time_is_applied_but_never_freezes_the_field()
    {
        var harness = Harness().AnswerApplied();
        await harness.DeliverAsync(Message("future", Update(1, 10, ("custom1", Change("realized", 10 + 365 * 24 * 60)))));

        await harness.DeliverAsync(Message("later", Update(1, 20, ("custom1", Change("exited", 19)))));

        Assert.Equal([Json("realized"), Json("exited")], harness.Sent.Select(s => s.Attributes["custom1"]));
        var counters = await harness.CountersOfThisHourAsync();
        Assert.Equal(1, counters[Names.FutureEventTimes]);
        Assert.Equal(0, counters[Names.Stale]);
    }

    [Fact]
    public async Task A_field_frozen_by_a_stored_future_version_takes_the_next_export()
    {
        var harness = Harness().AnswerApplied();
        // What a build without the check stored for a lastQualificationTime of 9999-12-31T23:59:59Z.
        var frozen = new FieldVersion(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), At(10), FieldVersion.HashOf(FieldValue.FromString("realized")));
        await harness.Versions.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = frozen }, null, CancellationToken.None);

        var result = await harness.DeliverAsync(Message("later", Update(1, 20, ("custom1", Change("exited", 19)))));

        Assert.Equal(Json("exited"), Assert.Single(harness.Sent).Attributes["custom1"]);
        Assert.IsType<MessageFate.Delivered>(Assert.Single(result.Fates));
        Assert.Equal(At(19), (await harness.Versions.ReadAsync(1, CancellationToken.None)).Fields["custom1"].ObservedAt);
    }

    [Fact]
    public async Task Rate_limited_response_defers_this_and_every_later_prospect_until_retry_at_without_burning_attempts()
    {
        var harness = Harness(o => o.RateLimitPadding = TimeSpan.FromSeconds(1));
        harness.Answer(id => id == 2 ? new OutreachCallOutcome.RateLimited(At(5), null, default) : Applied());

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0))), attempt: 3),
            Message("m3", Update(3, 0, ("custom1", Change("realized", 0)))));

        var resume = At(5).AddSeconds(1);
        Assert.Equal([1L, 2L], harness.Sent.Select(s => s.ProspectId));
        Assert.Equal(
            [
                new MessageFate.Delivered("m1", 1),
                new MessageFate.Deferred("m2", 2, resume),
                new MessageFate.Deferred("m3", 0, resume),
            ],
            result.Fates);
        Assert.Equal(resume, result.SendingResumesAt);
        Assert.Equal(resume, (await harness.Budget.ReadStatusAsync(CancellationToken.None)).BlockedUntil);
        var counters = await harness.CountersOfThisHourAsync();
        Assert.Equal((1, 2), (counters[Names.RateLimited], counters[Names.Deferred]));
    }

    [Fact]
    public async Task Transient_failure_retries_later_with_backoff_and_counts_the_attempt()
    {
        var harness = Harness(o =>
        {
            o.BackoffBase = TimeSpan.FromSeconds(10);
            o.BackoffMax = TimeSpan.FromMinutes(10);
        });
        harness.Answer(id => id == 1 ? new OutreachCallOutcome.Transient(503, "Service Unavailable", null, default) : Applied());

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0))), attempt: 3),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))));

        var retry = Assert.IsType<MessageFate.RetryLater>(result.Fates[0]);
        Assert.Equal(3, retry.AttemptsUsed);
        Assert.InRange(retry.Delay, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));
        Assert.Equal(Start + retry.Delay, retry.RetryAt);
        Assert.IsType<MessageFate.Delivered>(result.Fates[1]);
        Assert.Null(result.SendingResumesAt);
    }

    [Fact]
    public async Task A_retry_time_given_by_Outreach_beats_a_shorter_backoff()
    {
        var harness = Harness();
        harness.Answer(_ => new OutreachCallOutcome.Transient(503, "Service Unavailable", At(60), default));

        var result = await harness.DeliverAsync(Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))));

        Assert.Equal(At(60), Assert.IsType<MessageFate.RetryLater>(Assert.Single(result.Fates)).RetryAt);
    }

    [Fact]
    public async Task Transient_failure_on_the_last_attempt_poisons_the_message_into_the_ledger()
    {
        var harness = Harness(o => o.MaxAttempts = 4);
        harness.Answer(_ => new OutreachCallOutcome.Transient(null, "connection reset", null, default));
        var update = Update(1, 0, ("custom1", Change("realized", 0)));

        var result = await harness.DeliverAsync(Message("m1", update, attempt: 4));

        var poison = Assert.IsType<MessageFate.Poisoned>(Assert.Single(result.Fates));
        var entry = await harness.Ledger.GetAsync(poison.LedgerKey, CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal((FailureKind.Poisoned, 4, "connection reset"), (entry.Kind, entry.DeliveryAttempts, entry.ErrorDetail));
        Assert.Equal(update, entry.Update);
        Assert.Equal(1, (await harness.CountersOfThisHourAsync())[Names.Poisoned]);
    }

    [Fact]
    public async Task A_message_delivered_more_often_than_allowed_is_poisoned_without_calling_Outreach()
    {
        var harness = Harness(o => o.MaxAttempts = 4).AnswerApplied();

        var result = await harness.DeliverAsync(
            Message("crashy", Update(1, 0, ("custom1", Change("realized", 0))), attempt: 5),
            Message("fine", Update(2, 0, ("custom1", Change("realized", 0)))));

        Assert.Equal(["poisoned", "delivered"], result.Fates.Select(f => f.Name));
        Assert.Equal([2L], harness.Sent.Select(s => s.ProspectId));
        Assert.Equal(FailureLedger.PoisonErrorKey, Assert.Single(await harness.LedgerAsync()).Key.Partition);
    }

    [Fact]
    public async Task Rejected_custom_field_is_recorded_with_its_audience_and_mapping_id_and_completed()
    {
        var harness = Harness();
        harness.Answer(_ => Rejected422("custom7"));

        var result = await harness.DeliverAsync(
            Message("m1", Update(42, 0, ("custom7", Change("realized", 0, "aud-123")))),
            Message("m2", Update(42, 1, ("firstName", Change("Ann", 1)))));

        Assert.All(result.Fates, f => Assert.IsType<MessageFate.Rejected>(f));
        var entry = Assert.Single(await harness.LedgerAsync(new FailureQuery(AudienceId: "aud-123")));
        Assert.Equal((42L, "custom7", 7), (entry.ProspectId, entry.Field, entry.MappingId));
        Assert.Equal(["m1", "m2"], entry.MessageIds);
        Assert.Equal(["custom7", "firstName"], entry.Update.Fields.Keys.Order());
        Assert.Contains(
            harness.Logger.Entries,
            e => e.Level == LogLevel.Warning && e.Message.Contains("Outreach rejected custom7 (audience 'aud-123', mapping ID 7): custom7 is too long", StringComparison.Ordinal));
        var counters = await harness.CountersOfThisHourAsync();
        Assert.Equal((1, 1, 2), (counters[Names.Failed], counters["Failed_validationError"], counters[Names.MessagesFailed]));
    }

    [Fact]
    public async Task Logs_never_carry_attribute_values()
    {
        var harness = Harness();
        harness.Answer(id => id == 1 ? Rejected422("custom7") : new OutreachCallOutcome.Transient(500, "Internal Server Error", null, default));

        await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom7", Change("secret-value-1", 0, "aud-1")))),
            Message("m2", Update(2, 0, ("firstName", Change("secret-value-2", 0)))));

        Assert.NotEmpty(harness.Logger.Entries);
        Assert.DoesNotContain(harness.Logger.Entries, e => e.Message.Contains("secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unauthorized_holds_every_remaining_message_and_pauses_the_connection()
    {
        var harness = Harness(o => o.UnauthorizedHold = TimeSpan.FromMinutes(15));
        harness.Answer(_ => new OutreachCallOutcome.Unauthorized("refresh token revoked", default));

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0))), attempt: 2),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))),
            Message("m3", Update(3, 0, ("custom1", Change("realized", 0)))));

        Assert.Single(harness.Sent);
        Assert.Equal(
            [new MessageFate.Paused("m1", 1, At(15)), new MessageFate.Paused("m2", 0, At(15)), new MessageFate.Paused("m3", 0, At(15))],
            result.Fates);
        Assert.True(result.ConnectionPaused);
        Assert.Equal(new PauseStatus(Start, "refresh token revoked", At(15)), harness.Pause.Status);
    }

    [Fact]
    public async Task While_paused_messages_are_held_without_calling_Outreach_until_the_probe_time_and_a_success_resumes()
    {
        var harness = Harness(o => o.UnauthorizedHold = TimeSpan.FromMinutes(15));
        harness.Answer(_ => new OutreachCallOutcome.Unauthorized("invalid_grant", default));
        await harness.DeliverAsync(Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))));

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var held = await harness.DeliverAsync(Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))));

        Assert.Single(harness.Sent);
        Assert.Equal(new MessageFate.Paused("m2", 0, At(15)), Assert.Single(held.Fates));

        harness.Time.Advance(TimeSpan.FromMinutes(10));
        harness.AnswerApplied();
        var probed = await harness.DeliverAsync(Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))));

        Assert.IsType<MessageFate.Delivered>(Assert.Single(probed.Fates));
        Assert.False(probed.ConnectionPaused);
        Assert.False(harness.Pause.IsPaused);
    }

    [Fact]
    public async Task Spent_budget_defers_unsent_messages_until_the_window_resets()
    {
        var harness = Harness(o =>
        {
            o.RequestsPerWindow = 2;
            o.Window = TimeSpan.FromMinutes(30);
        }).AnswerApplied();

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))),
            Message("m3", Update(3, 0, ("custom1", Change("realized", 0))), attempt: 2));

        Assert.Equal(2, harness.Sent.Count);
        Assert.Equal(new MessageFate.Deferred("m3", 1, At(30)), result.Fates[2]);
        Assert.Equal(At(30), result.SendingResumesAt);
    }

    [Fact]
    public async Task Outreach_reporting_fewer_remaining_requests_stops_sending_on_leased_permits()
    {
        var harness = Harness(o => o.MaxPermitsPerLease = 10);
        var remaining = 2;
        harness.Answer(_ => Applied(new RateLimitSnapshot(1000, --remaining, null)));
        var messages = Enumerable.Range(1, 5).Select(i => Message($"m{i}", Update(i, 0, ("custom1", Change("realized", 0))))).ToArray();

        var result = await harness.DeliverAsync(messages);

        Assert.Equal(2, harness.Sent.Count);
        Assert.Equal(["delivered", "delivered", "deferred", "deferred", "deferred"], result.Fates.Select(f => f.Name));
    }

    [Fact]
    public async Task A_permit_due_within_the_maximum_wait_is_waited_for_instead_of_deferring()
    {
        var harness = Harness(o =>
        {
            o.RequestsPerWindow = 1;
            o.Window = TimeSpan.FromSeconds(10);
            o.MaxWaitForPermit = TimeSpan.FromSeconds(15);
        }).AnswerApplied();

        var delivery = harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))));
        while (!delivery.IsCompleted)
        {
            // The engine waits on the fake clock; move it on until the next window frees a permit.
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var result = await delivery;
        Assert.Equal(2, harness.Sent.Count);
        Assert.All(result.Fates, f => Assert.IsType<MessageFate.Delivered>(f));
    }

    [Fact]
    public async Task Messages_not_sent_when_the_batch_time_is_up_are_deferred_to_now()
    {
        var harness = Harness(o => o.MaxBatchDuration = TimeSpan.FromSeconds(30));
        harness.Answer(_ =>
        {
            harness.Time.Advance(TimeSpan.FromSeconds(20));
            return Applied();
        });

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0)))),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))),
            Message("m3", Update(3, 0, ("custom1", Change("realized", 0)))));

        Assert.Equal(2, harness.Sent.Count);
        Assert.Equal(new MessageFate.Deferred("m3", 0, Start.AddSeconds(40)), result.Fates[2]);
    }

    [Fact]
    public async Task Failing_storage_retries_the_batch_later_instead_of_throwing_or_sending()
    {
        var unreachable = new TableServiceClient(
            new Uri($"http://127.0.0.1:{LoopbackPort.GetFree()}/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="),
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        var harness = new DeliveryHarness(azurite, service: unreachable);

        var result = await harness.DeliverAsync(
            Message("m1", Update(1, 0, ("custom1", Change("realized", 0))), attempt: 5),
            Message("m2", Update(2, 0, ("custom1", Change("realized", 0)))));

        Assert.All(result.Fates, f => Assert.IsType<MessageFate.RetryLater>(f));
        harness.Outreach.Verify(
            c => c.PatchProspectAsync(It.IsAny<long>(), It.IsAny<IReadOnlyList<KeyValuePair<string, FieldValue>>>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
