using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// Corrects the shared <see cref="RequestBudget"/> from the rate-limit headers of every Outreach answer, whatever the
/// operation: called by the Outreach HTTP pipeline's rate-limit handler.
/// </summary>
/// <remarks>Storage failures are logged and absorbed: the answer is what matters for the caller, and the next one corrects the budget again.</remarks>
public sealed class BudgetCorrection(RequestBudget budget, ILogger<BudgetCorrection> logger) : IRateLimitObserver
{
    /// <inheritdoc />
    public async Task ObserveAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await budget.ObserveAsync(snapshot, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            DeliveryLog.BudgetCorrectionFailed(logger, ex);
        }
    }
}
