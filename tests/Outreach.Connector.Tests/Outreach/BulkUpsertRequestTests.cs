using System.Text;
using System.Text.Json;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The import body: only <c>overwriteNoCreate</c>, each record an existing prospect's id with its own fields, in the configured shape.</summary>
public sealed class BulkUpsertRequestTests
{
    private static readonly ImportRecord[] Records =
    [
        new(7, [KeyValuePair.Create("title", FieldValue.FromString("CTO"))]),
        new(9, [KeyValuePair.Create("firstName", FieldValue.FromString("Ada")), KeyValuePair.Create("custom1", FieldValue.FromString("realized"))]),
    ];

    [Theory]
    [InlineData(ImportRecordShape.Document)]
    [InlineData(ImportRecordShape.Resource)]
    public void The_body_sends_overwrite_no_create_and_each_record_only_its_own_fields(ImportRecordShape shape)
    {
        var body = BulkUpsertRequest.Body(Records, shape, "f.json");

        using var document = JsonDocument.Parse(body);
        var attributes = document.RootElement.GetProperty("data").GetProperty("attributes");
        Assert.Equal("import", document.RootElement.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal("overwriteNoCreate", attributes.GetProperty("dupeMethod").GetString());
        var records = attributes.GetProperty("records").EnumerateArray()
            .Select(r => shape == ImportRecordShape.Document ? r.GetProperty("data") : r).ToList();
        Assert.Equal([7L, 9], records.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(["title"], records[0].GetProperty("attributes").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["firstName", "custom1"], records[1].GetProperty("attributes").EnumerateObject().Select(p => p.Name));
        Assert.Null(BulkUpsertRequest.SafetyProblem(body, new HashSet<long> { 7, 9 }));
    }

    [Fact]
    public void The_last_check_refuses_a_creating_dupe_method_and_a_record_for_another_prospect()
    {
        var body = BulkUpsertRequest.Body(Records, ImportRecordShape.Document, "f.json");
        var overwrite = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("overwriteNoCreate", "overwrite", StringComparison.Ordinal));

        Assert.Equal("the dupe method is not overwriteNoCreate", BulkUpsertRequest.SafetyProblem(overwrite, new HashSet<long> { 7, 9 }));
        Assert.NotNull(BulkUpsertRequest.SafetyProblem(body, new HashSet<long> { 7 }));
    }
}
