namespace Outreach.Bench;

/// <summary>Samples the managed heap and the process working set while a benchmark phase runs, keeping the peaks.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakHeap;
    private long _peakWorkingSet;

    /// <summary>Starts sampling every 20 ms after a full collection, so earlier phases do not count.</summary>
    public MemorySampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                _peakWorkingSet = Math.Max(_peakWorkingSet, Environment.WorkingSet);
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    /// <summary>The highest managed heap size seen, in MiB.</summary>
    public double PeakHeapMiB => _peakHeap / 1024.0 / 1024.0;

    /// <summary>The highest working set of the whole process seen, in MiB.</summary>
    public double PeakWorkingSetMiB => _peakWorkingSet / 1024.0 / 1024.0;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
