using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

public sealed class HttpTriggerRequestTests
{
    [Fact]
    public void Request_fields_are_read_from_the_golden_envelope()
    {
        using var envelope = InvocationRequest.Parse(Golden.Read("Ingest", "single-profile.request.json"));
        var request = envelope.GetHttpRequest();

        Assert.Equal("POST", request.Method);
        Assert.Equal("https://func-outreach-abc123.azurewebsites.net/api/profiles", request.Url);
        Assert.Equal("application/json", request.Header("content-type"));
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", request.Header("traceparent"));
        Assert.Empty(request.Query);
        Assert.Equal(Golden.Sample("single-profile.json"), request.Body);
    }

    [Fact]
    public void Query_written_as_a_string_holding_json_is_read()
    {
        using var envelope = InvocationRequest.Parse(Golden.Read("Ingest", "query-as-string.request.json"));
        Assert.Equal("aep", envelope.GetHttpRequest().Query["source"]);
    }

    [Fact]
    public void Absent_body_is_null()
    {
        using var envelope = InvocationRequest.Parse(Golden.Read("Ingest", "missing-body.request.json"));
        Assert.Null(envelope.GetHttpRequest().Body);
    }

    [Fact]
    public void Body_is_never_unwrapped_and_header_values_keep_their_quotes()
    {
        using var envelope = InvocationRequest.Parse(
            """{"Data":{"req":{"Method":"post","Headers":{"If-Match":["\"abc\""],"X-One":"single"},"Query":{"a":["1","2"]},"Body":"\"a json string\""}}}""");
        var request = envelope.GetHttpRequest();

        Assert.Equal("POST", request.Method);
        Assert.Equal("\"a json string\"", request.Body);
        Assert.Equal("\"abc\"", request.Header("if-match"));
        Assert.Equal("single", request.Header("X-One"));
        Assert.Equal("1,2", request.Query["a"]);
    }
}
