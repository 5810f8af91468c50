using System.Text;
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
        result.AddMessage("updates", w => { w.WriteStartObject(); w.WriteNumber("p", 1); w.WriteEndObject(); });
        result.Log("one line");

        using var answer = JsonDocument.Parse(result.ToUtf8Json());
        var root = answer.RootElement;
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], root.EnumerateObject().Select(p => p.Name));
        var res = root.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(202, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("{\"accepted\":1}", res.GetProperty("body").GetString());
        Assert.Equal("application/json; charset=utf-8", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("no-store", res.GetProperty("headers").GetProperty("Cache-Control").GetString());
        var message = Assert.Single(root.GetProperty("Outputs").GetProperty("updates").EnumerateArray());
        Assert.Equal(JsonValueKind.Object, message.ValueKind);
        Assert.Equal("one line", Assert.Single(root.GetProperty("Logs").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
    }

    [Theory]
    [InlineData("\"test\"")]
    [InlineData("1234")]
    [InlineData("[{\"a\":1}]")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{")]
    public void Message_outputs_other_than_one_object_are_refused(string json) =>
        Assert.Throws<ArgumentException>(() => new InvocationResult().AddMessage("updates", Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Declared_message_output_without_messages_is_an_empty_array()
    {
        var result = new InvocationResult();
        result.DeclareMessages("updates");

        using var answer = JsonDocument.Parse(result.ToUtf8Json());
        Assert.Equal(0, answer.RootElement.GetProperty("Outputs").GetProperty("updates").GetArrayLength());
    }

    [Fact]
    public void Cleared_messages_are_not_sent()
    {
        var result = new InvocationResult();
        result.AddMessage("updates", Encoding.UTF8.GetBytes("{\"p\":1}"));
        result.ClearMessages();

        Assert.Empty(result.GetMessages("updates"));
    }
}
