using Microsoft.Extensions.Logging;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>Log messages of the prospect claims (source-generated). Prospect ids and counts only.</summary>
internal static partial class ClaimLog
{
    [LoggerMessage(EventId = 2901, Level = LogLevel.Debug,
        Message = "{Prospects} prospects of the batch are claimed by another drainer; their messages wait {Delay} without using an attempt")]
    public static partial void ClaimedElsewhere(ILogger logger, int prospects, TimeSpan delay);

    [LoggerMessage(EventId = 2902, Level = LogLevel.Warning,
        Message = "Claims of {Prospects} prospects could not be taken (storage failed); their messages wait and try again")]
    public static partial void ClaimFailed(ILogger logger, Exception exception, int prospects);

    [LoggerMessage(EventId = 2903, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: the claim expired or could not be renewed; its messages wait instead of risking a write out of order")]
    public static partial void ClaimLost(ILogger logger, long prospectId);

    [LoggerMessage(EventId = 2904, Level = LogLevel.Debug,
        Message = "Prospect {ProspectId}: the claim could not be released (storage failed); it ends when its lease expires")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, long prospectId);
}
