using System.Net;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Outreach.Connector.Queueing;
using Outreach.Connector.Updates;
using Outreach.Testing;
using OutreachFunctions.Functions.Ingest;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The Ingest function as the Functions host calls it: golden envelopes (docs/reference/functions-host.md §2.1) POSTed to /Ingest on a
// loopback handler; the answers are compared with golden answers (docs/reference/functions-host.md §3) and checked field by field.
// Set UPDATE_GOLDEN=1 to rewrite the golden answers after an intended change, then review the diff.
public sealed class IngestFunctionTests : IAsyncLifetime
{
    private FunctionsHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await FunctionsHandler.StartAsync();

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    private async Task<HostAnswer> InvokeGoldenAsync(string name)
    {
        using var response = await _handler.InvokeAsync(IngestFunction.Name, Golden.Read("Ingest", name + ".request.json"));
        var answer = await HostAnswer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        MatchGoldenAnswer(name, answer);
        return answer;
    }

    // One golden comparison for every function (GoldenAnswer): the host's answer carries no output but the HTTP one.
    private static void MatchGoldenAnswer(string name, HostAnswer answer) => GoldenAnswer.Match("Ingest", name, answer.Json);

    // What the handler sent through the Service Bus client: each message one update in the queue format, with its
    // content-derived id and the request's trace.
    private static List<ProspectUpdate> Sent(FunctionsHandler handler) =>
        [.. handler.Bus.Messages.Select(m =>
        {
            var update = ProspectUpdateFormat.Deserialize(m.Body.ToString());
            Assert.Equal(update, ProspectUpdateFormat.Deserialize(ProspectUpdateFormat.Serialize(update)));
            Assert.Equal(UpdateMessageId.For(update), m.MessageId);
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", update.TraceParent);
            return update;
        })];

    [Fact]
    public void Golden_request_bodies_are_the_current_sample_exports()
    {
        foreach (var name in new[] { "batch-of-ten", "single-profile", "wrapped-profiles", "mixed-valid-and-invalid" })
        {
            using var envelope = JsonDocument.Parse(Golden.Read("Ingest", name + ".request.json"));
            Assert.Equal(Golden.Sample(name + ".json"), envelope.RootElement.GetProperty("Data").GetProperty("req").GetProperty("Body").GetString());
        }
    }

    [Fact]
    public async Task Sample_batch_answers_202_and_sends_one_batch_with_one_message_per_prospect()
    {
        var answer = await InvokeGoldenAsync("batch-of-ten");

        Assert.Equal(202, answer.ResponseStatus);
        Assert.Equal("application/json; charset=utf-8", answer.ResponseHeaders["Content-Type"]!.GetValue<string>());
        Assert.Equal(10, answer.ResponseBody.GetProperty("accepted").GetInt32());
        var updates = Sent(_handler);
        Assert.Single(_handler.Bus.Sends);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), updates.Select(u => u.ProspectId).Order());
        Assert.All(updates, u => Assert.Equal(FunctionsHandler.Now, u.ReceivedAt));
        Assert.Single(answer.Json["Logs"]!.AsArray());
        Assert.Null(answer.Json["ReturnValue"]);
    }

    [Theory]
    [InlineData("single-profile", 1)]
    [InlineData("wrapped-profiles", 3)]
    public async Task Sample_exports_are_accepted(string name, int expected)
    {
        var answer = await InvokeGoldenAsync(name);

        Assert.Equal(202, answer.ResponseStatus);
        Assert.Equal(expected, Sent(_handler).Count);
    }

    [Fact]
    public async Task Mixed_request_sends_only_the_valid_profile_and_explains_the_others()
    {
        var answer = await InvokeGoldenAsync("mixed-valid-and-invalid");

        Assert.Equal(202, answer.ResponseStatus);
        var body = answer.ResponseBody;
        Assert.Equal((1, 2, 1), (body.GetProperty("accepted").GetInt32(), body.GetProperty("excluded").GetInt32(), body.GetProperty("invalid").GetInt32()));
        Assert.Equal(
            ["no_outreach_identity", "identity_not_positive_integer"],
            body.GetProperty("excludedProfiles").EnumerateArray().Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal(1, Assert.Single(Sent(_handler)).ProspectId);
    }

    [Fact]
    public async Task Malformed_json_body_answers_400_and_sends_nothing()
    {
        var answer = await InvokeGoldenAsync("malformed-json");

        Assert.Equal(400, answer.ResponseStatus);
        var error = answer.ResponseBody.GetProperty("error");
        Assert.Equal("malformed_json", error.GetProperty("code").GetString());
        Assert.StartsWith("line 1, byte ", error.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Request_without_a_body_answers_400_empty_body()
    {
        var answer = await InvokeGoldenAsync("missing-body");

        Assert.Equal(400, answer.ResponseStatus);
        Assert.Equal("empty_body", answer.ResponseBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Chunked_request_whose_body_the_host_dropped_answers_411_asking_for_Content_Length()
    {
        // The host copies a body only when Content-Length > 0, so a chunked export arrives with no Body at all.
        var answer = await InvokeGoldenAsync("chunked-body");

        Assert.Equal(411, answer.ResponseStatus);
        var error = answer.ResponseBody.GetProperty("error");
        Assert.Equal("length_required", error.GetProperty("code").GetString());
        Assert.Contains("Content-Length", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Body_less_POST_whose_headers_say_nothing_about_its_length_answers_411()
    {
        // Data.req as the host writes it for a POST without Body and without Content-Length or Transfer-Encoding headers.
        using var response = await _handler.InvokeAsync(IngestFunction.Name, HostEnvelope.Http("POST", "/api/profiles", methodName: IngestFunction.Name));
        var answer = await HostAnswer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(411, answer.ResponseStatus);
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Request_with_no_usable_profile_answers_422()
    {
        var answer = await InvokeGoldenAsync("no-usable-profile");

        Assert.Equal(422, answer.ResponseStatus);
        Assert.Equal("no_profile_accepted", answer.ResponseBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Older_envelope_with_query_as_a_string_is_read()
    {
        var answer = await InvokeGoldenAsync("query-as-string");

        Assert.Equal(202, answer.ResponseStatus);
        Assert.Equal(1, Assert.Single(Sent(_handler)).ProspectId);
    }

    [Fact]
    public async Task Oversized_body_answers_413()
    {
        await using var small = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "2048" });
        using var response = await small.InvokeAsync(IngestFunction.Name, Golden.Read("Ingest", "batch-of-ten.request.json"));
        var answer = await HostAnswer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(413, answer.ResponseStatus);
        Assert.Empty(small.Bus.Attempts);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"Data\":{}}")]
    [InlineData("{\"Data\":{\"req\":42}}")]
    [InlineData("{\"Data\":[],\"Metadata\":{}}")]
    public async Task Unreadable_envelope_answers_the_host_200_with_a_500_for_aep_and_sends_nothing(string envelope)
    {
        using var response = await _handler.InvokeAsync(IngestFunction.Name, envelope);
        var answer = await HostAnswer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(500, answer.ResponseStatus);
        Assert.Equal("invocation_unreadable", answer.ResponseBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_handler.Bus.Attempts);
    }

    [Fact]
    public async Task Same_export_posted_again_sends_the_same_message_ids_so_the_queue_drops_the_retry()
    {
        await InvokeGoldenAsync("batch-of-ten");
        await InvokeGoldenAsync("batch-of-ten");

        var sends = _handler.Bus.Sends.ToList();
        Assert.Equal(2, sends.Count);
        Assert.Equal(sends[0].Select(m => m.MessageId), sends[1].Select(m => m.MessageId));
        Assert.Equal(10, sends[0].Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Export_larger_than_one_batch_is_split_into_several()
    {
        _handler.Bus.MaxBatchBytes = 1200;

        var answer = await InvokeGoldenAsync("batch-of-ten");

        Assert.Equal(202, answer.ResponseStatus);
        Assert.True(_handler.Bus.Sends.Count > 1, "one batch");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Sent(_handler).Select(u => u.ProspectId).Order());
    }

    public static TheoryData<Exception> SendFailures() => new()
    {
        new ServiceBusException("The namespace is busy.", ServiceBusFailureReason.ServiceBusy),
        new ServiceBusException("The queue does not exist.", ServiceBusFailureReason.MessagingEntityNotFound),
        new UnauthorizedAccessException("'Send' claim(s) are required to perform this operation."),
    };

    [Theory]
    [MemberData(nameof(SendFailures))]
    public async Task Send_failure_answers_503_in_json_so_aep_retries(Exception failure)
    {
        _handler.Bus.Failures.Enqueue(failure);
        using var response = await _handler.InvokeAsync(IngestFunction.Name, Golden.Read("Ingest", "batch-of-ten.request.json"));
        var answer = await HostAnswer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(503, answer.ResponseStatus);
        Assert.Equal("application/json; charset=utf-8", answer.ResponseHeaders["Content-Type"]!.GetValue<string>());
        Assert.Equal("queue_unavailable", answer.ResponseBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_handler.Bus.Sends);
    }

    [Fact]
    public async Task Failure_after_a_first_batch_answers_503_and_the_retry_sends_the_same_ids()
    {
        _handler.Bus.MaxBatchBytes = 1200;
        _handler.Bus.Failures.Enqueue(null);
        _handler.Bus.Failures.Enqueue(new ServiceBusException("The connection was reset.", ServiceBusFailureReason.ServiceCommunicationProblem));

        using var failed = await _handler.InvokeAsync(IngestFunction.Name, Golden.Read("Ingest", "batch-of-ten.request.json"));
        Assert.Equal(503, (await HostAnswer.ReadAsync(failed)).ResponseStatus);
        var firstAttempt = _handler.Bus.Attempts.SelectMany(b => b).Select(m => m.MessageId).ToList();
        Assert.Single(_handler.Bus.Sends);

        await InvokeGoldenAsync("batch-of-ten");

        // AEP's retry carries every id again; the queue's duplicate detection drops those it already holds.
        var retry = _handler.Bus.Sends.Skip(1).SelectMany(b => b).Select(m => m.MessageId).ToList();
        Assert.Equal(10, retry.Count);
        Assert.Equal(firstAttempt, retry.Take(firstAttempt.Count));
    }
}
