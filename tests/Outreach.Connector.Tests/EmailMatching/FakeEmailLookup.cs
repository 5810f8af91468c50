using Outreach.Connector.EmailMatching;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.EmailMatching;

/// <summary>An Outreach email lookup answering from a dictionary (or a fixed outcome), recording every request.</summary>
internal sealed class FakeEmailLookup : IProspectEmailLookup
{
    public Dictionary<string, long[]> Prospects { get; } = new(StringComparer.Ordinal);

    public Func<IReadOnlyList<string>, EmailLookupOutcome?>? Override { get; set; }

    public List<IReadOnlyList<string>> Requests { get; } = [];

    public Task<EmailLookupOutcome> FindAsync(IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(emails);
        }

        var outcome = Override?.Invoke(emails) ?? new EmailLookupOutcome.Found(
            emails.ToDictionary(e => e, e => (IReadOnlyList<long>)(Prospects.TryGetValue(e, out var ids) ? ids : []), StringComparer.Ordinal),
            RateLimitSnapshot.None);
        return Task.FromResult(outcome);
    }
}
