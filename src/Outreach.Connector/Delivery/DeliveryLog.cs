using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Ledger;

namespace Outreach.Connector.Delivery;

/// <summary>The delivery engine's log messages (source-generated). They carry prospect ids and counts, never attribute values.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Delivered a batch of {Messages} messages for {Prospects} prospects with {Requests} requests: {Completed} completed, {Deferred} deferred, {Retried} to retry, {Paused} paused, {Poisoned} poisoned")]
    public static partial void BatchDelivered(ILogger logger, int messages, int prospects, long requests, int completed, int deferred, int retried, int paused, int poisoned);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Prospect {ProspectId}: dropped {Stale} stale and {Duplicate} already-applied fields, {Fresh} left to send")]
    public static partial void FieldsDropped(ILogger logger, long prospectId, int stale, int duplicate, int fresh);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Prospect {ProspectId}: Outreach applied {Fields} fields from {Messages} messages")]
    public static partial void Applied(ILogger logger, long prospectId, int fields, int messages);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: a concurrent delivery recorded newer versions of {Fields} fields sent here; Outreach holds whichever PATCH landed last")]
    public static partial void VersionsSuperseded(ILogger logger, long prospectId, int fields);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error,
        Message = "Prospect {ProspectId}: Outreach applied the update but its field versions could not be recorded; a redelivery may send it again")]
    public static partial void VersionsNotRecorded(ILogger logger, Exception exception, long prospectId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: Outreach rate-limited the request (429); sending stops and {Messages} messages are deferred until {RetryAt}")]
    public static partial void RateLimited(ILogger logger, long prospectId, int messages, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information,
        Message = "The request budget has no permit before {NextPermitAt}; {Messages} messages are deferred")]
    public static partial void BudgetSpent(ILogger logger, DateTimeOffset nextPermitAt, int messages);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: transient failure (status {StatusCode}: {Reason}); {Messages} messages retry later")]
    public static partial void TransientFailure(ILogger logger, long prospectId, int? statusCode, string reason, int messages);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: {Explanation} (HTTP {StatusCode}, error {ErrorId}; ledger entry {LedgerKey})")]
    public static partial void Rejected(ILogger logger, long prospectId, string explanation, int statusCode, string? errorId, FailureLedgerKey ledgerKey);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error,
        Message = "Outreach refused the connection's credentials ({Reason}); delivery is paused and {Messages} messages wait until {ProbeAt}")]
    public static partial void Unauthorized(ILogger logger, string reason, int messages, DateTimeOffset probeAt);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Delivery is paused for re-authorization; {Messages} messages wait until {ProbeAt}")]
    public static partial void NotSentWhilePaused(ILogger logger, int messages, DateTimeOffset probeAt);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Outreach accepted the connection's credentials again; delivery resumes")]
    public static partial void Resumed(ILogger logger);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error,
        Message = "Message {MessageId} for prospect {ProspectId} is poisoned after {Attempts} attempts; its update is in the failure ledger as {LedgerKey}")]
    public static partial void Poisoned(ILogger logger, string messageId, long prospectId, int attempts, FailureLedgerKey ledgerKey);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error,
        Message = "Delivery state storage failed while working on prospect {ProspectId}; it and the {Remaining} other messages left in the batch retry later")]
    public static partial void StorageFailed(ILogger logger, Exception exception, long prospectId, int remaining);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Could not record the failure ledger entry of message {MessageId}; it retries later instead")]
    public static partial void LedgerUnavailable(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Could not apply Outreach's rate-limit headers to the request budget")]
    public static partial void BudgetCorrectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "Could not give {Permits} unused permits back to the request budget")]
    public static partial void PermitReturnFailed(ILogger logger, Exception exception, int permits);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "Could not store the delivery counters of a batch")]
    public static partial void CountersFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Information,
        Message = "The batch has run for {Elapsed}; {Messages} messages not yet sent are deferred so the queue lock does not expire")]
    public static partial void BatchTimeUp(ILogger logger, TimeSpan elapsed, int messages);
}
