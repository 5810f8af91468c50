using Azure.Storage.Queues;

namespace Outreach.Bench;

/// <summary>
/// Holds ingest back while the update queue holds more than a bound of messages, as AEP spreads a backfill over time
/// instead of sending it all at once.
/// </summary>
/// <remarks>
/// Why a benchmark needs it: Azurite's queue scans every message on each receive, delete and send, so a backlog of
/// thousands makes every queue call slower and the drainer slower still; posting a whole backfill at once then
/// measures the emulator, not the connector (ingest POSTs waited over 100 s). A bound of a few batches keeps the
/// drainer busy all the time without that effect.
/// </remarks>
public sealed class QueueBacklogGate(QueueClient queue, int maxBacklog)
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _checking = new(1, 1);
    private DateTime _checkedAt = DateTime.MinValue;
    private int _backlog;

    /// <summary>Returns once the queue holds at most the bound (checked at most every 100 ms, shared by all callers).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _checking.WaitAsync(cancellationToken);
            try
            {
                if (DateTime.UtcNow - _checkedAt >= RecheckInterval)
                {
                    _backlog = (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
                    _checkedAt = DateTime.UtcNow;
                }

                if (_backlog <= maxBacklog)
                {
                    return;
                }
            }
            finally
            {
                _checking.Release();
            }

            await Task.Delay(RecheckInterval, cancellationToken);
        }
    }
}
