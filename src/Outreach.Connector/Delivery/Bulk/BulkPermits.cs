using Azure;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>Takes a given number of permits from the shared <see cref="RequestBudget"/> for one call of the bulk path, all or none.</summary>
/// <remarks>
/// A call costing several permits (a bulk action charged per id) may need more than the budget hands out at once under
/// spread pacing: permits are collected over short waits, as the PATCH path waits for its next one, and given back
/// when the wait would be too long or pass the deadline.
/// </remarks>
public sealed class BulkPermits(RequestBudget budget, IOptions<DeliveryOptions> options, TimeProvider time)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(20);
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>The most permits one call should ask for: what the budget can hand out without a long wait.</summary>
    public int Cap => _options.PacingMode == PacingMode.Spread ? _options.BurstPermits : Math.Max(1, _options.RequestsPerWindow - _options.SafetyMargin);

    /// <summary>Takes <paramref name="count"/> permits before <paramref name="deadline"/>; null (all given back) when they cannot be had in time.</summary>
    /// <returns>The time the budget expects the next permit when refused; null when granted.</returns>
    public async Task<DateTimeOffset?> TakeAsync(int count, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var grants = new List<PermitGrant>();
        var held = 0;
        try
        {
            while (held < count)
            {
                var grant = await budget.TryAcquireAsync(count - held, cancellationToken);
                if (grant.Granted > 0)
                {
                    grants.Add(grant);
                    held += grant.Granted;
                    continue;
                }

                var now = time.GetUtcNow();
                var wait = grant.NextPermitAt - now;
                if (wait > _options.MaxWaitForPermit || grant.NextPermitAt >= deadline)
                {
                    await GiveBackAsync(grants);
                    grants.Clear();
                    return grant.NextPermitAt > now ? grant.NextPermitAt : now;
                }

                await Task.Delay(wait > MinimumWait ? wait : MinimumWait, time, cancellationToken);
            }

            grants.Clear();
            return null;
        }
        finally
        {
            if (grants.Count > 0)
            {
                // Cancelled or failed half way: the permits were not used.
                await GiveBackAsync(grants);
            }
        }
    }

    private async Task GiveBackAsync(List<PermitGrant> grants)
    {
        foreach (var grant in grants)
        {
            try
            {
                await budget.ReleaseAsync(grant.Granted, grant, CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                // Unused permits that cannot be returned only make the budget more careful until the window rolls.
            }
        }
    }
}
