using System.Collections.Concurrent;
using Outreach.Connector.Tokens;

namespace Outreach.Testing;

/// <summary>An <see cref="IConnectionLock"/> within one process (a semaphore per connection), for unit tests.</summary>
public sealed class InProcessConnectionLock : IConnectionLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private int _acquisitions;

    /// <summary>How many times the lock was taken.</summary>
    public int Acquisitions => Volatile.Read(ref _acquisitions);

    /// <inheritdoc />
    public async Task<IConnectionLockHandle?> TryAcquireAsync(string connectionName, TimeSpan wait, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(connectionName, _ => new SemaphoreSlim(1, 1));
        if (!await semaphore.WaitAsync(wait, cancellationToken))
        {
            return null;
        }

        Interlocked.Increment(ref _acquisitions);
        return new Handle(semaphore);
    }

    private sealed class Handle(SemaphoreSlim semaphore) : IConnectionLockHandle
    {
        private int _released;

        public bool IsHeld => Volatile.Read(ref _released) == 0;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
