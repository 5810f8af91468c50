namespace Outreach.Connector.Tokens;

/// <summary>
/// A lock per Outreach connection that holds across threads, processes and instances, so that exactly one of them
/// refreshes (rotates) the connection's tokens at a time.
/// </summary>
public interface IConnectionLock
{
    /// <summary>
    /// Takes the connection's lock, waiting up to <paramref name="wait"/> while someone else holds it. Returns the held
    /// lock (dispose to release), or null when it stayed busy. Throws when the lock's storage fails.
    /// </summary>
    Task<IConnectionLockHandle?> TryAcquireAsync(string connectionName, TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>A held connection lock. Disposing releases it.</summary>
public interface IConnectionLockHandle : IAsyncDisposable
{
    /// <summary>False once the lock was lost (its lease could not be renewed); the holder should not write after that.</summary>
    bool IsHeld { get; }
}
