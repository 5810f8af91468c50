using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Standalone;

/// <summary>
/// The standalone runtime's keep-alive: every <see cref="KeepAliveOptions.Interval"/> it runs
/// <see cref="ConnectionKeepAlive.RefreshIfIdleAsync"/>, as the KeepAlive function does in Azure, so an idle connection's
/// refresh token is rotated long before its 14 days run out.
/// </summary>
/// <remarks>
/// Expected outcomes (nothing to do, not connected, needs re-authorization, a failed refresh) are results and only
/// logged. An unexpected exception is logged and the loop goes on: a keep-alive problem must not stop ingest.
/// </remarks>
public sealed partial class KeepAliveService(
    ConnectionKeepAlive keepAlive,
    IOptions<KeepAliveOptions> options,
    TimeProvider time,
    ILogger<KeepAliveService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        try
        {
            await Task.Delay(settings.InitialDelay, time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await CheckOnceAsync(stoppingToken);
                await Task.Delay(settings.Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Runs one check and logs its result.</summary>
    internal async Task<KeepAliveOutcome?> CheckOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await keepAlive.RefreshIfIdleAsync(cancellationToken);
            LogResult(KeepAliveLogFormatter.Level(result), KeepAliveLogFormatter.Describe(result));
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(ex);
            return null;
        }
    }

    [LoggerMessage(Message = "{Outcome}")]
    private partial void LogResult(LogLevel level, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Keep-alive failed unexpectedly; the next run tries again")]
    private partial void LogUnexpected(Exception exception);
}
