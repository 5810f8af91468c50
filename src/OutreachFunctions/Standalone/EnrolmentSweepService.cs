using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;

namespace OutreachFunctions.Standalone;

/// <summary>
/// The standalone runtime's enrolment sweep, beside the drain loop (<see cref="QueueDrainService"/>): every
/// <c>Sequences__SweepInterval</c> (15 seconds) it runs <see cref="EnrolmentSweep.SweepAsync"/>, as the EnrolmentSweep
/// timer function does in Azure, so entries waiting to share an action, held by the guard until the next hour, or
/// waiting for readiness or the budget are sent without a new export.
/// </summary>
/// <remarks>
/// A loop of its own rather than a step of the drain loop: it must run while the queue is busy too (a delivery batch
/// sends only when it finds entries due) and while it is empty, and sweeping beside delivery batches is safe because
/// each entry is started by one conditional write. Off with <c>Drain__Enabled=false</c> (an ingest-only instance sends
/// nothing). Expected results are logged by the sweep; an unexpected exception is logged and the loop goes on.
/// </remarks>
public sealed partial class EnrolmentSweepService(
    EnrolmentSweep sweep,
    IOptions<SequenceOptions> sequences,
    IOptions<StorageQueueDrainOptions> drain,
    TimeProvider time,
    ILogger<EnrolmentSweepService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!drain.Value.Enabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(sequences.Value.SweepInterval, time, stoppingToken);
                if (await SweepOnceAsync(stoppingToken) is { Kind: EnrolmentSweepResult.Kinds.NoSequences })
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Runs one sweep; null when it failed unexpectedly (logged).</summary>
    internal async Task<EnrolmentSweepResult?> SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await sweep.SweepAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(ex);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrolment sweep failed unexpectedly; the next sweep tries again")]
    private partial void LogUnexpected(Exception exception);
}
