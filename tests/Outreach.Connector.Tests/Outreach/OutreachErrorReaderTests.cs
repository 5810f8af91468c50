using System.Text;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Outreach;

public sealed class OutreachErrorReaderTests
{
    private static IReadOnlyList<OutreachError> Read(string body, string? reason = "Reason") => OutreachErrorReader.Read(Encoding.UTF8.GetBytes(body), reason);

    [Fact]
    public void Json_api_errors_are_read_with_id_title_detail_and_pointer()
    {
        var errors = Read("""{"errors":[{"id":"validationError","source":{"pointer":"/data"},"title":"Validation Error","detail":"Contacts contact is using an excluded email address."}]}""");

        var error = Assert.Single(errors);
        Assert.Equal(new OutreachError("validationError", "Validation Error", "Contacts contact is using an excluded email address.", "/data"), error);
    }

    [Fact]
    public void Details_key_of_the_415_example_is_read_as_detail()
    {
        var errors = Read("""{"errors":[{"id":"unsupportedMediaType","title":"Unsupported Media Type","details":"Expected Content-Type application/vnd.api+json"}]}""");

        Assert.Equal("Expected Content-Type application/vnd.api+json", Assert.Single(errors).Detail);
    }

    [Fact]
    public void Several_errors_keep_their_order()
    {
        var errors = Read("""{"errors":[{"id":"a"},{"id":"b","source":{"pointer":"/data/attributes/custom151"}}]}""");

        Assert.Equal(["a", "b"], errors.Select(e => e.Id));
        Assert.Equal("/data/attributes/custom151", errors[1].SourcePointer);
    }

    [Fact]
    public void Non_json_body_becomes_one_error_with_the_start_of_the_text()
    {
        var html = "<html><body>Bad gateway</body></html>" + new string('x', 500);
        var error = Assert.Single(Read(html, "Bad Request"));

        Assert.Null(error.Id);
        Assert.Equal("Bad Request", error.Title);
        Assert.StartsWith("<html>", error.Detail, StringComparison.Ordinal);
        Assert.Equal(OutreachErrorReader.MaxTextDetailLength, error.Detail!.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    public void Empty_body_becomes_one_error_with_the_reason_phrase(string body)
    {
        Assert.Equal(new OutreachError(null, "Not Found", null, null), Assert.Single(Read(body, "Not Found")));
    }

    [Theory]
    [InlineData("""{"errors":"nope"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"errors":[]}""")]
    [InlineData("""{"errors":[1]}""")]
    [InlineData("""{"errors":[{"id":""" )]
    public void Odd_json_shapes_do_not_throw(string body)
    {
        Assert.Single(Read(body));
    }

    [Fact]
    public void Oauth_style_error_is_read()
    {
        Assert.Equal(new OutreachError("invalid_token", null, "expired", null), Assert.Single(Read("""{"error":"invalid_token","error_description":"expired"}""")));
    }

    [Fact]
    public void Numeric_id_is_kept_as_text()
    {
        Assert.Equal("429", Assert.Single(Read("""{"errors":[{"id":429}]}""")).Id);
    }

    [Theory]
    [InlineData("You have exceeded your permitted rate limit of 10,000; please try again at 2017-01-01T00:00:00.", "2017-01-01T00:00:00Z")]
    [InlineData("please try again at 2030-05-06T07:08:09Z", "2030-05-06T07:08:09Z")]
    [InlineData("please try again at 2030-05-06T09:08:09+02:00. Thanks", "2030-05-06T07:08:09Z")]
    [InlineData("please Try Again At 2030-05-06 07:08:09", "2030-05-06T07:08:09Z")]
    public void Try_again_at_time_is_read_from_a_429_detail(string detail, string expected)
    {
        var at = OutreachErrorReader.ReadTryAgainAt([new OutreachError("rateLimitExceeded", null, detail, null)]);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
    }

    [Fact]
    public void Detail_without_a_time_gives_null()
    {
        Assert.Null(OutreachErrorReader.ReadTryAgainAt([new OutreachError(null, null, "please try again later", null), new OutreachError(null, null, null, null)]));
    }
}
