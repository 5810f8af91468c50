using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using OutreachFunctions.Standalone;

namespace OutreachFunctions.Tests.Standalone;

// The standalone runtime's last answer: a dependency that is down is 503 dependency_unavailable and one log line (the
// middleware's stack-trace entry suppressed); a bug stays a 500 whose diagnostics the middleware records.
public sealed class UnexpectedErrorResponseTests
{
    private static async Task<(int Status, string Code)> AnswerAsync(Exception error)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = error, Path = "/api/admin/replay" });

        await UnexpectedErrorResponse.WriteAsync(context);

        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, body.RootElement.GetProperty("error").GetProperty("code").GetString()!);
    }

    [Fact]
    public async Task Storage_refused_after_the_SDK_retries_is_503_dependency_unavailable()
    {
        var refused = new AggregateException(new RequestFailedException("Connection refused (127.0.0.1:9)"), new RequestFailedException("Connection refused (127.0.0.1:9)"));

        Assert.Equal((503, "dependency_unavailable"), await AnswerAsync(refused));
        Assert.True(Suppressed(refused));
    }

    [Fact]
    public async Task A_bug_is_500_and_keeps_the_middleware_diagnostics()
    {
        var bug = new InvalidOperationException("bug");

        Assert.Equal((500, "internal_error"), await AnswerAsync(bug));
        Assert.False(Suppressed(bug));
    }

    private static bool Suppressed(Exception error) => UnexpectedErrorResponse.Options().SuppressDiagnosticsCallback!(new ExceptionHandlerSuppressDiagnosticsContext
    {
        Exception = error,
        HttpContext = new DefaultHttpContext(),
        ExceptionHandledBy = ExceptionHandledType.ExceptionHandlerDelegate,
    });
}
