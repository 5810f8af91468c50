using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The collection reader against the sandbox: sparse fields, unknown ids, halving a refused list, scopes.</summary>
public sealed class ProspectReaderSandboxTests
{
    [Fact]
    public async Task Reads_the_asked_fields_of_known_ids_only()
    {
        await using var clients = await SandboxClients.StartAsync();
        using var api = clients.Sandbox.CreateApiClient(clients.AccessToken);
        using var patch = new StringContent("""{"data":{"type":"prospect","id":4,"attributes":{"custom2":"held"}}}""");
        patch.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.api+json");
        (await api.PatchAsync("prospects/4", patch)).EnsureSuccessStatusCode();

        var read = Assert.IsType<OutreachCallOutcome.Succeeded<ProspectsRead>>(await clients.Reader().ReadAsync([4, 5, 4, 9_999], ["custom2", "firstName"], null, CancellationToken.None)).Value;

        Assert.Equal([4L, 5L], read.Prospects.Select(p => p.Id));
        Assert.Equal("held", read.Prospects[0].Attributes["custom2"].GetString());
        Assert.All(read.Prospects, p => Assert.False(p.Attributes.ContainsKey("lastName")));
        Assert.Equal(1, read.Requests);
    }

    [Fact]
    public async Task A_refused_long_list_is_halved_until_accepted_and_the_smaller_maximum_is_kept()
    {
        await using var clients = await SandboxClients.StartAsync(
            sandbox => sandbox.Prospects.MaxFilterListLength = 10, client => client.MaxIdsPerRead = 40);
        var reader = clients.Reader();
        var permits = 0;

        var read = Assert.IsType<OutreachCallOutcome.Succeeded<ProspectsRead>>(await reader.ReadAsync(
            [.. Enumerable.Range(1, 30).Select(id => (long)id)], ["firstName"], _ => { permits++; return ValueTask.CompletedTask; }, CancellationToken.None)).Value;

        Assert.Equal(Enumerable.Range(1, 30).Select(id => (long)id), read.Prospects.Select(p => p.Id));
        Assert.Equal(8, reader.MaxIdsPerRequest);
        Assert.Equal(7, read.Requests); // 30 refused, 15 and 15 refused, then 8, 7, 8, 7 accepted
        Assert.Equal(read.Requests, permits);
        Assert.Contains("reading at most 8 ids", clients.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_read_scope_the_read_fails_with_a_permanent_403()
    {
        await using var clients = await SandboxClients.StartAsync(scope: "prospects.write");

        var failed = await clients.Reader().ReadAsync([1, 2], ["firstName"], null, CancellationToken.None);

        // The failure is the whole answer: nothing read is handed on beside it.
        Assert.True(Assert.IsType<OutreachCallOutcome.Permanent>(failed).IsMissingScope);
    }
}
