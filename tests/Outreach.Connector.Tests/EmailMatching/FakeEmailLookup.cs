using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.EmailMatching;

/// <summary>An Outreach email lookup answering from a dictionary (or a fixed failure), taking a permit per request like the real client.</summary>
internal sealed class FakeEmailLookup : IOutreachEmailLookup
{
    public Dictionary<string, long[]> Prospects { get; } = new(StringComparer.Ordinal);

    public Func<IReadOnlyList<string>, OutreachCallOutcome?>? Failure { get; set; }

    public List<IReadOnlyList<string>> Requests { get; } = [];

    public int MaxEmailsPerRequest { get; set; } = 1;

    public async Task<OutreachCallOutcome> FindAsync(IReadOnlyList<string> emails, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        Assert.InRange(emails.Count, 1, MaxEmailsPerRequest);
        if (beforeEachRequest is not null)
        {
            await beforeEachRequest(cancellationToken);
        }

        lock (Requests)
        {
            Requests.Add(emails);
        }

        if (Failure?.Invoke(emails) is { } failure)
        {
            return failure;
        }

        var matches = new EmailMatches(
            emails.ToDictionary(e => e, e => (IReadOnlyList<long>)(Prospects.TryGetValue(e, out var ids) ? [.. ids.Order()] : []), StringComparer.Ordinal),
            1);
        return new OutreachCallOutcome.Succeeded<EmailMatches>(matches, 200, RateLimitSnapshot.None);
    }
}
