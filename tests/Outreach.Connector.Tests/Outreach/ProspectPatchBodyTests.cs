using System.Text;
using System.Text.Json;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Outreach;

public sealed class ProspectPatchBodyTests
{
    [Fact]
    public void Body_has_the_documented_json_api_shape()
    {
        var body = ProspectPatchBody.Build(123, [
            KeyValuePair.Create("custom7", FieldValue.FromString("realized")),
            KeyValuePair.Create("firstName", FieldValue.FromString("Ada")),
            KeyValuePair.Create("tags", FieldValue.Parse("[\"vip\"]")),
        ]);

        Assert.Equal(
            """{"data":{"type":"prospect","id":123,"attributes":{"custom7":"realized","firstName":"Ada","tags":["vip"]}}}""",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Body_id_is_a_number_equal_to_the_url_id()
    {
        using var document = JsonDocument.Parse(ProspectPatchBody.Build(98765, [KeyValuePair.Create("title", FieldValue.FromString("CTO"))]));
        var data = document.RootElement.GetProperty("data");
        Assert.Equal(JsonValueKind.Number, data.GetProperty("id").ValueKind);
        Assert.Equal(98765, data.GetProperty("id").GetInt64());
        Assert.Equal("prospects/98765", ProspectPatchBody.RelativeUrl(98765));
    }

    [Fact]
    public void Body_from_an_update_carries_every_field_value_and_no_times()
    {
        var update = new ProspectUpdate(
            5,
            new Dictionary<string, FieldChange> { ["custom1"] = new(FieldValue.FromString("exited"), DateTimeOffset.UnixEpoch, "aud") },
            DateTimeOffset.UnixEpoch);
        Assert.Equal(
            """{"data":{"type":"prospect","id":5,"attributes":{"custom1":"exited"}}}""",
            Encoding.UTF8.GetString(ProspectPatchBody.Build(update)));
    }

    [Fact]
    public void Text_is_escaped_as_json()
    {
        var body = Encoding.UTF8.GetString(ProspectPatchBody.Build(1, [KeyValuePair.Create("title", FieldValue.FromString("\"Chief\" </script>"))]));
        using var document = JsonDocument.Parse(body);
        Assert.Equal("\"Chief\" </script>", document.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("title").GetString());
    }

    [Fact]
    public void Non_positive_prospect_id_is_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProspectPatchBody.Build(0, []));
    }
}
