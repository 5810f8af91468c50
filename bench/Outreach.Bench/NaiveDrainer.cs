using System.Globalization;
using Azure.Storage.Queues;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Bench;

/// <summary>
/// The baseline the delivery engine is measured against: one PATCH per queued update, no coalescing, no shared
/// budget, and on a 429 it sleeps until the reset the response names, then tries the same message again.
/// </summary>
public sealed class NaiveDrainer(QueueClient queue, IOutreachProspectClient outreach)
{
    /// <summary>Starts draining in the background; the task ends once the queue has stayed empty for a second.</summary>
    /// <param name="timeout">How long it may take at most; then the task fails with a <see cref="BenchmarkFailure"/>.</param>
    public Task StartAsync(TimeSpan timeout) => Task.Run(async () =>
    {
        using var bounded = new CancellationTokenSource(timeout);
        try
        {
            await RunAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            throw new BenchmarkFailure(string.Create(CultureInfo.InvariantCulture, $"the naive drainer had not emptied the queue after {timeout.TotalSeconds:0} s"));
        }
    });

    // It runs while ingest is still posting, so a short lull in ingest must not end it.
    private static readonly TimeSpan StopAfterEmptyFor = TimeSpan.FromSeconds(1);

    /// <summary>Drains until the queue has stayed empty for a second.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var emptySince = DateTime.UtcNow;
        while (DateTime.UtcNow - emptySince < StopAfterEmptyFor)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (messages.Length == 0)
            {
                await Task.Delay(100, cancellationToken);
                continue;
            }

            foreach (var message in messages)
            {
                foreach (var update in UpdateBatchFormat.Deserialize(message.Body.ToMemory()).Select(queued => queued.Update))
                {
                    await PatchAsync(update, cancellationToken);
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }

            emptySince = DateTime.UtcNow;
        }
    }

    private async Task PatchAsync(ProspectUpdate update, CancellationToken cancellationToken)
    {
        var attributes = update.Fields.Select(f => KeyValuePair.Create(f.Key, f.Value.Value)).ToList();
        while (true)
        {
            var outcome = await outreach.PatchProspectAsync(update.ProspectId, attributes, cancellationToken);
            if (outcome is OutreachCallOutcome.RateLimited limited)
            {
                var wait = limited.RetryAt - DateTimeOffset.UtcNow;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken);
                continue;
            }

            if (outcome is OutreachCallOutcome.Transient)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }

            break;
        }
    }
}
