using System.Net;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Tests.Outreach;

// The one loop that follows a JSON:API list's pages (email lookups, failed batch items).
public sealed class PagedGetTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly StubHttpHandler _handler = new();

    private OutreachApiSender Caller()
    {
        var tokens = new Mock<IAccessTokenProvider>();
        tokens.Setup(t => t.GetAccessTokenAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessTokenOutcome.Available(new OutreachAccessToken("access-token", Now.AddHours(2))));
        var options = new OutreachOptions
        {
            ApiBaseUrl = new Uri("https://api.outreach.test/api/v2/"), ClientId = "id", ClientSecret = "secret", RedirectUri = new Uri("https://app.test/cb"),
        };
        return OutreachApiSender.Create(_handler, tokens.Object, options, new FakeTimeProvider(Now));
    }

    private static string Page(long id, string? next)
    {
        var links = next is null ? "" : ",\"links\":{\"next\":\"" + next + "\"}";
        return "{\"data\":[{\"type\":\"prospect\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"attributes\":{}}]" + links + "}";
    }

    private Task<OutreachCallOutcome> GetAsync() =>
        Caller().GetAllPagesAsync("GET prospects", "prospects?page[size]=1", JsonApiList.Read, "not a list", null, CancellationToken.None);

    [Fact]
    public async Task Every_page_on_the_apis_host_is_read_in_order()
    {
        _handler.Respond(HttpStatusCode.OK, Page(1, "https://api.outreach.test/api/v2/prospects?page[after]=1"))
            .Respond(HttpStatusCode.OK, Page(2, null));

        var read = Assert.IsType<OutreachCallOutcome.Succeeded<ListPages<ProspectValues>>>(await GetAsync()).Value;

        Assert.Equal([1L, 2L], read.Items.Select(p => p.Id));
        Assert.Equal(2, read.Requests);
    }

    [Fact]
    public async Task A_next_link_to_another_host_is_not_followed_so_the_token_stays_home()
    {
        _handler.Respond(HttpStatusCode.OK, Page(1, "https://elsewhere.test/api/v2/prospects?page[after]=1"))
            .Respond(HttpStatusCode.OK, Page(2, null));

        var read = Assert.IsType<OutreachCallOutcome.Succeeded<ListPages<ProspectValues>>>(await GetAsync()).Value;

        Assert.Equal([1L], read.Items.Select(p => p.Id));
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task A_page_that_is_not_a_list_fails_the_read_as_transient()
    {
        _handler.Respond(HttpStatusCode.OK, """{"data":{"type":"prospect","id":1}}""");

        var failed = await GetAsync();

        Assert.Equal("not a list", Assert.IsType<OutreachCallOutcome.Transient>(failed).Reason);
    }
}
