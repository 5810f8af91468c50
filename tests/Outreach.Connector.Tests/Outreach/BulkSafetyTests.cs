using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The guards that make an unfiltered bulk action impossible to send.</summary>
public sealed class BulkSafetyTests
{
    [Fact]
    public void An_empty_id_set_cannot_be_constructed()
    {
        Assert.Throws<ArgumentException>(() => new BulkProspectIds([]));
        Assert.Throws<ArgumentException>(() => new BulkProspectIds([0]));
        Assert.Throws<ArgumentException>(() => new BulkProspectIds([5, -1]));
        Assert.Empty(BulkProspectIds.Chunk([], 10));
    }

    [Fact]
    public void Ids_are_distinct_ascending_and_chunked_without_empty_sets()
    {
        var chunks = BulkProspectIds.Chunk([5, 1, 3, 5, 2], 2);

        Assert.Equal([[1L, 2L], [3L, 5L]], chunks.Select(chunk => chunk.ToArray()));
    }

    [Fact]
    public void The_filter_travels_in_the_query_string_as_one_entry_per_id()
    {
        var ids = new BulkProspectIds([12, 3]);

        var url = BulkModifyRequest.RelativeUrl(ids);

        Assert.Equal("batches/actions/prospectsBulkModify?actionParams[skipConfirmation]=true&actionParams[filter][id][]=3&actionParams[filter][id][]=12", url);
        Assert.Null(BulkModifyRequest.FilterProblem(url, ids));
    }

    [Theory]
    [InlineData("batches/actions/prospectsBulkModify")]
    [InlineData("batches/actions/prospectsBulkModify?actionParams[skipConfirmation]=true")]
    [InlineData("batches/actions/prospectsBulkModify?actionParams[filter][id][]=3")]
    [InlineData("batches/actions/prospectsBulkModify?actionParams[filter][id][]=3&actionParams[filter][id][]=13")]
    [InlineData("batches/actions/prospectsBulkModify?actionParams[filter][id][]=&actionParams[filter][id][]=12")]
    public void The_last_check_refuses_a_url_whose_filter_is_missing_or_different(string url) =>
        Assert.NotNull(BulkModifyRequest.FilterProblem(url, new BulkProspectIds([3, 12])));

    [Fact]
    public void Single_field_body_shapes_carry_one_field_and_the_attributes_shape_any_number()
    {
        var ids = new BulkProspectIds([1, 2]);
        IReadOnlyList<KeyValuePair<string, FieldValue>> one = [KeyValuePair.Create("custom1", FieldValue.FromString("a"))];
        IReadOnlyList<KeyValuePair<string, FieldValue>> two = [.. one, KeyValuePair.Create("custom2", FieldValue.FromString("b"))];

        Assert.Equal("""{"data":{"type":"batch","attributes":{"custom1":"a","custom2":"b","ids":[1,2]}}}""", Text(BulkModifyRequest.Body(BulkBodyShape.Attributes, ids, two)));
        Assert.Equal("""{"data":{"type":"batch","attributes":{"fieldName":"custom1","fieldValue":"a","ids":[1,2]}}}""", Text(BulkModifyRequest.Body(BulkBodyShape.FieldNameValue, ids, one)));
        Assert.Equal("""{"data":{"type":"batch","attributes":{"field":"custom1","value":"a"}}}""", Text(BulkModifyRequest.Body(BulkBodyShape.FieldValue, ids, one)));
        Assert.Null(BulkModifyRequest.Body(BulkBodyShape.FieldValue, ids, two));
        Assert.Null(BulkModifyRequest.Body(BulkBodyShape.Attributes, ids, []));
    }

    private static string? Text(byte[]? body) => body is null ? null : System.Text.Encoding.UTF8.GetString(body);
}
