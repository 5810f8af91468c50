using System.Text.Json;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Tests.Functions;

public sealed class InvocationResultTests
{
    [Fact]
    public void Answer_has_outputs_logs_and_a_null_return_value()
    {
        var result = new InvocationResult();
        result.SetHttpResponse("res", 202, "{\"accepted\":1}", "application/json; charset=utf-8", new Dictionary<string, string> { ["Cache-Control"] = "no-store" });
        result.Log("one line");

        using var answer = JsonDocument.Parse(result.ToUtf8Json());
        var root = answer.RootElement;
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], root.EnumerateObject().Select(p => p.Name));
        var res = root.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(202, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("{\"accepted\":1}", res.GetProperty("body").GetString());
        Assert.Equal("application/json; charset=utf-8", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("no-store", res.GetProperty("headers").GetProperty("Cache-Control").GetString());
        Assert.Equal(["res"], root.GetProperty("Outputs").EnumerateObject().Select(p => p.Name));
        Assert.Equal("one line", Assert.Single(root.GetProperty("Logs").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
    }
}
