using System.Globalization;
using Azure;
using Azure.Storage.Queues;

namespace Outreach.Bench;

/// <summary>
/// "The connector has delivered everything": its update queue has held no message (visible, invisible or deferred) for
/// a quiet period. Bounded: a queue that does not drain within the time given is a <see cref="BenchmarkFailure"/>.
/// </summary>
public static class QueueQuiet
{
    /// <summary>
    /// How long the queue must stay empty. Short, because it is only asked once every update has been posted, and an
    /// update is never off the queue while it is being worked on: a message stays (invisible) until it is settled, and a
    /// successor is sent before its original is deleted.
    /// </summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="queue"/> has been empty for <see cref="QuietPeriod"/>, at most <paramref name="timeout"/>.</summary>
    public static async Task WaitAsync(QueueClient queue, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var quietSince = DateTime.UtcNow;
        var waiting = 0;
        try
        {
            while (DateTime.UtcNow - quietSince < QuietPeriod)
            {
                waiting = (await queue.GetPropertiesAsync(bounded.Token)).Value.ApproximateMessagesCount;
                if (waiting > 0)
                {
                    quietSince = DateTime.UtcNow;
                }

                await Task.Delay(PollInterval, bounded.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailure(string.Create(CultureInfo.InvariantCulture,
                $"the update queue still held {waiting} messages after {timeout.TotalSeconds:0} s"));
        }
        catch (RequestFailedException ex)
        {
            throw new BenchmarkFailure($"the update queue could not be read ({ex.Status} {ex.ErrorCode})", ex);
        }
    }
}
