using Microsoft.Extensions.Logging;
using Outreach.Connector.Queueing;

namespace Outreach.Connector.Ingest;

/// <summary>
/// The ingest use case shared by the standalone endpoint and the Functions HTTP trigger: translate an AEP export,
/// queue one update per accepted profile, and produce the answer for AEP. Never calls Outreach.
/// </summary>
public sealed partial class IngestService(ExportTranslator translator, TimeProvider time, ILogger<IngestService> logger)
{
    /// <summary>Handles one request body, queuing accepted updates on <paramref name="queue"/>.</summary>
    /// <remarks>
    /// Updates are queued only after the whole body was read and translated, so a malformed body queues nothing. If the
    /// queue fails part-way the caller answers 503 and AEP retries; updates queued before the failure are delivered
    /// twice at worst, which cannot change the result (delivery drops values it already applied).
    /// </remarks>
    public async Task<(ExportTranslation Translation, IngestResponse Response)> AcceptAsync(Stream body, IUpdateQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var translation = await translator.TranslateAsync(body, time.GetUtcNow(), cancellationToken);
        if (translation.BodyError is { } error)
        {
            LogBodyRefused(error.Code);
        }
        else
        {
            var updates = translation.Updates.ToList();
            if (updates.Count > 0)
            {
                await queue.EnqueueAsync(updates, cancellationToken);
            }

            LogTranslated(translation.AcceptedCount, translation.ExcludedCount, translation.InvalidCount);
        }

        return (translation, IngestResponse.For(translation));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AEP export refused whole: {Code}")]
    private partial void LogBodyRefused(string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "AEP export: {Accepted} accepted, {Excluded} excluded, {Invalid} invalid")]
    private partial void LogTranslated(int accepted, int excluded, int invalid);
}
