using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The email lookup against the sandbox's filter[emails]: exact matches, duplicates, case, the multi-value switch.</summary>
public sealed class EmailLookupSandboxTests
{
    [Fact]
    public async Task One_email_finds_its_prospect_and_an_unknown_one_finds_none()
    {
        await using var clients = await SandboxClients.StartAsync();
        var lookup = clients.EmailLookup();

        var found = Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(await lookup.FindAsync(["prospect7@example.test"], null, CancellationToken.None)).Value;
        var none = Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(await lookup.FindAsync(["nobody@example.test"], null, CancellationToken.None)).Value;

        Assert.Equal([7L], found.ProspectIds["prospect7@example.test"]);
        Assert.Equal(1, found.Requests);
        Assert.Empty(none.ProspectIds["nobody@example.test"]);
    }

    [Fact]
    public async Task Seeded_duplicates_return_every_prospect_holding_the_email()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Prospects.DuplicateEmailEvery = 10);

        var found = Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(await clients.EmailLookup().FindAsync(["prospect9@example.test"], null, CancellationToken.None)).Value;

        Assert.Equal([9L, 10L], found.ProspectIds["prospect9@example.test"]);
    }

    [Fact]
    public async Task A_case_sensitive_org_does_not_match_another_case()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Prospects.EmailFilterCaseSensitive = true);

        var found = Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(await clients.EmailLookup().FindAsync(["Prospect7@Example.test"], null, CancellationToken.None)).Value;

        Assert.Empty(found.ProspectIds["Prospect7@Example.test"]);
    }

    [Fact]
    public async Task Several_emails_go_in_one_request_when_the_setting_allows_it()
    {
        await using var clients = await SandboxClients.StartAsync(
            sandbox => sandbox.Prospects.EmailFilterMultiValue = true, client => client.EmailFilterMultiValue = true);
        var lookup = clients.EmailLookup();

        var found = Assert.IsType<OutreachCallOutcome.Succeeded<EmailMatches>>(
            await lookup.FindAsync(["prospect3@example.test", "prospect4@example.test", "nobody@example.test"], null, CancellationToken.None)).Value;

        Assert.Equal(20, lookup.MaxEmailsPerRequest);
        Assert.Equal(1, found.Requests);
        Assert.Equal([3L], found.ProspectIds["prospect3@example.test"]);
        Assert.Equal([4L], found.ProspectIds["prospect4@example.test"]);
        Assert.Empty(found.ProspectIds["nobody@example.test"]);
    }

    [Fact]
    public async Task Without_the_setting_a_list_is_refused_before_anything_is_sent()
    {
        await using var clients = await SandboxClients.StartAsync();
        var lookup = clients.EmailLookup();

        await Assert.ThrowsAsync<ArgumentException>(() => lookup.FindAsync(["a@example.test", "b@example.test"], null, CancellationToken.None));
        Assert.Equal(1, lookup.MaxEmailsPerRequest);
        Assert.DoesNotContain(await clients.Sandbox.GetRequestsAsync(), request => request.Path.StartsWith("/api/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_request_waits_for_the_budget_and_a_missing_scope_is_a_permanent_403()
    {
        await using var clients = await SandboxClients.StartAsync(scope: "prospects.write");
        var permits = 0;

        var failed = await clients.EmailLookup().FindAsync(
            ["prospect1@example.test"], _ => { permits++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(1, permits);
        Assert.True(Assert.IsType<OutreachCallOutcome.Permanent>(failed).IsMissingScope);
    }

    [Fact]
    public async Task Emails_never_reach_the_logs()
    {
        await using var clients = await SandboxClients.StartAsync();

        await clients.EmailLookup().FindAsync(["prospect7@example.test"], null, CancellationToken.None);

        Assert.NotEmpty(clients.Logs.Entries);
        Assert.DoesNotContain("prospect7", clients.Logs.AllText, StringComparison.OrdinalIgnoreCase);
    }
}
