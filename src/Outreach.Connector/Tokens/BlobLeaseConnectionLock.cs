using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// The cross-instance refresh lock: a lease on one empty blob per connection in the app's storage account
/// (<c>outreach-token-locks/{connection}.lock</c>; Azurite locally).
/// </summary>
/// <remarks>
/// A lease is held for <see cref="TokenOptions.LockLeaseDuration"/> (15–60 s) and renewed every third of that while
/// the holder works, so a crashed holder frees the lock within one lease duration and a slow token endpoint never
/// lets a second instance in. Waiting callers poll every <see cref="TokenOptions.LockRetryDelay"/>.
/// The lease expires in the storage service's real time, so <paramref name="timeProvider"/> must be the real clock
/// outside tests that never wait on it.
/// </remarks>
public sealed class BlobLeaseConnectionLock(
    BlobContainerClient container,
    IOptions<TokenOptions> options,
    TimeProvider timeProvider,
    ILogger<BlobLeaseConnectionLock> logger) : IConnectionLock
{
    private readonly TokenOptions _options = options.Value;
    private volatile bool _containerReady;

    /// <inheritdoc />
    public async Task<IConnectionLockHandle?> TryAcquireAsync(string connectionName, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var blob = container.GetBlobClient(connectionName + ".lock");
        await EnsureBlobAsync(blob, cancellationToken);
        var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        var deadline = timeProvider.GetUtcNow() + wait;
        while (true)
        {
            try
            {
                await lease.AcquireAsync(_options.LockLeaseDuration, cancellationToken: cancellationToken);
                LockLog.Acquired(logger, connectionName);
                return new Handle(lease, connectionName, _options.LockLeaseDuration, timeProvider, logger);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // LeaseAlreadyPresent: another instance is refreshing.
                if (timeProvider.GetUtcNow() >= deadline)
                {
                    LockLog.Busy(logger, connectionName);
                    return null;
                }

                await Task.Delay(_options.LockRetryDelay, timeProvider, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // The container or blob was deleted under us: create it again and retry.
                _containerReady = false;
                await EnsureBlobAsync(blob, cancellationToken);
            }
        }
    }

    private async Task EnsureBlobAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }

        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already there (and possibly leased): that is the normal case.
        }
    }

    private sealed class Handle : IConnectionLockHandle
    {
        private readonly BlobLeaseClient _lease;
        private readonly string _connectionName;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;
        private volatile bool _held = true;
        private int _disposed;

        public Handle(BlobLeaseClient lease, string connectionName, TimeSpan duration, TimeProvider timeProvider, ILogger logger)
        {
            _lease = lease;
            _connectionName = connectionName;
            _logger = logger;
            _renewal = RenewAsync(duration / 3, timeProvider);
        }

        public bool IsHeld => _held;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            await _stop.CancelAsync();
            await _renewal;
            _stop.Dispose();
            if (!_held)
            {
                return;
            }

            _held = false;
            try
            {
                await _lease.ReleaseAsync(cancellationToken: CancellationToken.None);
                LockLog.Released(_logger, _connectionName);
            }
            catch (RequestFailedException ex)
            {
                // The lease expires on its own within its duration; nothing else to do.
                LockLog.ReleaseFailed(_logger, _connectionName, ex.Status);
            }
        }

        private async Task RenewAsync(TimeSpan interval, TimeProvider timeProvider)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(interval, timeProvider, _stop.Token);
                    await _lease.RenewAsync(cancellationToken: _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
            catch (RequestFailedException ex)
            {
                _held = false;
                LockLog.Lost(_logger, _connectionName, ex.Status);
            }
        }
    }
}

/// <summary>Source-generated log messages of the refresh lock.</summary>
internal static partial class LockLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Took the refresh lock of Outreach connection {ConnectionName}")]
    public static partial void Acquired(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Debug, Message = "Released the refresh lock of Outreach connection {ConnectionName}")]
    public static partial void Released(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "The refresh lock of Outreach connection {ConnectionName} stayed busy; giving up for now")]
    public static partial void Busy(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Could not release the refresh lock of Outreach connection {ConnectionName} (HTTP {StatusCode}); it expires on its own")]
    public static partial void ReleaseFailed(ILogger logger, string connectionName, int statusCode);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Error, Message = "Lost the refresh lock of Outreach connection {ConnectionName} (renewal failed with HTTP {StatusCode})")]
    public static partial void Lost(ILogger logger, string connectionName, int statusCode);
}
