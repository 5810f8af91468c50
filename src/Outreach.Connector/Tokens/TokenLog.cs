using Microsoft.Extensions.Logging;

namespace Outreach.Connector.Tokens;

/// <summary>Source-generated log messages of the token lifecycle. Connection names, times and codes only: never a token.</summary>
internal static partial class TokenLog
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Refreshing the tokens of Outreach connection {ConnectionName}")]
    public static partial void Refreshing(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Refreshed and stored the tokens of Outreach connection {ConnectionName}; the access token expires at {ExpiresAt:O}")]
    public static partial void Refreshed(ILogger logger, string connectionName, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Outreach connection {ConnectionName} needs re-authorization: the refresh was refused ({Reason})")]
    public static partial void NeedsReauthorization(ILogger logger, string connectionName, string reason);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Information, Message = "Outreach connection {ConnectionName} waits for the minting limit until {Until:O}")]
    public static partial void MintingWait(ILogger logger, string connectionName, DateTimeOffset until);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "Outreach rejected the app's client credentials (HTTP {StatusCode}) while refreshing connection {ConnectionName}")]
    public static partial void ClientRejected(ILogger logger, string connectionName, int statusCode);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "The token store failed for Outreach connection {ConnectionName} ({ExceptionType})")]
    public static partial void StoreFailed(ILogger logger, string connectionName, string exceptionType);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Error, Message = "The refresh lock failed for Outreach connection {ConnectionName} ({ExceptionType})")]
    public static partial void LockFailed(ILogger logger, string connectionName, string exceptionType);

    [LoggerMessage(EventId = 2308, Level = LogLevel.Warning, Message = "The token store of Outreach connection {ConnectionName} changed during a refresh; the stored entry wins")]
    public static partial void SaveConflict(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2309, Level = LogLevel.Information, Message = "Saved the rotated tokens of Outreach connection {ConnectionName} after an earlier failed save")]
    public static partial void SavedLate(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2310, Level = LogLevel.Information, Message = "Outreach answered 401 to the access token of connection {ConnectionName}; forcing a refresh")]
    public static partial void AccessTokenRejected(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2311, Level = LogLevel.Information, Message = "Outreach connection {ConnectionName} is authorized (scope: {Scope})")]
    public static partial void Authorized(ILogger logger, string connectionName, string scope);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "The authorization of Outreach connection {ConnectionName} returned no refresh token; nothing stored")]
    public static partial void AuthorizationWithoutRefreshToken(ILogger logger, string connectionName);

    [LoggerMessage(EventId = 2313, Level = LogLevel.Warning, Message = "The refresh lock of Outreach connection {ConnectionName} was lost before the rotated tokens were saved; saving with the version check")]
    public static partial void LockLostBeforeSave(ILogger logger, string connectionName);
}
