using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OutreachFunctions.Functions;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The one failure policy of the function wrapper, without a server: an HTTP function's failure is an answer for its
// caller (the host gets 200), any other trigger's failure fails the invocation (the host gets 500 and retries).
public sealed class FunctionRunnerTests
{
    private static readonly FunctionRunner Runner = new(NullLoggerFactory.Instance);

    [Fact]
    public async Task Completed_HTTP_function_answers_the_host_200_with_the_response_and_a_log_line()
    {
        var context = Invocation(HostEnvelope.HttpGet("/api/status/connection", methodName: "Status"));

        await Runner.RunHttpAsync(context, FunctionDefinition.Http("Status"), (_, _) => Task.FromResult(HttpFunction.Text(200, "fine")));

        var answer = Answer(context);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(200, answer.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.Equal("fine", answer.GetProperty("Outputs").GetProperty("res").GetProperty("body").GetString());
        Assert.Equal("Status answered 200.", answer.GetProperty("Logs")[0].GetString());
    }

    [Fact]
    public async Task Failing_HTTP_function_answers_its_caller_500_naming_the_invocation_and_the_host_200()
    {
        var context = Invocation(HostEnvelope.HttpGet("/api/status/connection", methodName: "Status"), invocationId: "inv-7");

        await Runner.RunHttpAsync(context, FunctionDefinition.Http("Status"), (_, _) => throw new InvalidOperationException("bug"));

        var res = Answer(context).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(500, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("The connector failed unexpectedly; the logs carry the invocation id inv-7.", res.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Unreadable_envelope_of_an_HTTP_function_uses_the_function_s_own_failure_answer()
    {
        var context = Invocation("[1,2,3]");
        var function = FunctionDefinition.Http("Ingest", failure => new(500, failure.Kind.ToString(), "text/plain", new Dictionary<string, string>()));

        await Runner.RunHttpAsync(context, function, (_, _) => throw new InvalidOperationException("not reached"));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(nameof(FunctionFailureKind.UnreadableEnvelope), Answer(context).GetProperty("Outputs").GetProperty("res").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Completed_triggered_function_answers_the_host_200_with_its_logs_and_no_outputs()
    {
        var context = Invocation("{\"Data\":{\"timer\":{}},\"Metadata\":{}}");

        await Runner.RunAsync(context, FunctionDefinition.Triggered("KeepAlive"), (_, _, _) =>
            Task.FromResult<FunctionOutcome>(new FunctionOutcome.Completed(null, ["one", "two"])));

        var answer = Answer(context);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Empty(answer.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(["one", "two"], answer.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
    }

    [Theory]
    [InlineData("reported", "Deliver could not keep a copy.")]
    [InlineData("thrown", "Deliver failed unexpectedly: InvalidOperationException; the logs carry the invocation id inv-9.")]
    [InlineData("unreadable", "The Functions host sent a Deliver request the connector cannot read: ")]
    public async Task Failing_triggered_function_fails_the_invocation_with_the_reason(string how, string reason)
    {
        var context = Invocation(how == "unreadable" ? "not json" : HostEnvelope.ServiceBusBatch([]), invocationId: "inv-9");

        await Runner.RunAsync(context, FunctionDefinition.Triggered("Deliver"), (_, _, _) => how == "reported"
            ? Task.FromResult<FunctionOutcome>(new FunctionOutcome.Failed("Deliver could not keep a copy."))
            : throw new InvalidOperationException("bug"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.StartsWith(reason, Body(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_the_host_gave_up_on_is_not_answered()
    {
        using var aborted = new CancellationTokenSource();
        var context = Invocation(HostEnvelope.ServiceBusBatch([]));
        context.RequestAborted = aborted.Token;

        await Runner.RunAsync(context, FunctionDefinition.Triggered("Deliver"), async (_, _, cancellationToken) =>
        {
            await aborted.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return new FunctionOutcome.Completed(null, []);
        });

        Assert.Equal(0, context.Response.Body.Length);
    }

    private static DefaultHttpContext Invocation(string envelope, string invocationId = "inv-1")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Headers[FunctionsHeaders.InvocationId] = invocationId;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(envelope));
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private static JsonElement Answer(HttpContext context)
    {
        using var document = JsonDocument.Parse(Body(context));
        return document.RootElement.Clone();
    }
}
