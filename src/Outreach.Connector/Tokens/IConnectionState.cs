using Outreach.Connector.Delivery;

namespace Outreach.Connector.Tokens;

/// <summary>
/// The one answer to "is the Outreach connection usable?" that delivery, health and the status page read: the token
/// store's status, shared by every instance and re-read at least every <see cref="TokenOptions.ConnectionPollInterval"/>.
/// </summary>
public interface IConnectionState : IConnectionStatusSource
{
    /// <summary>True while delivery is paused: the store says the connection needs (re-)authorization, or Outreach refused this instance's credentials.</summary>
    bool IsPaused { get; }

    /// <summary>Why and since when delivery is paused, or null when it is not.</summary>
    PauseStatus? Status { get; }

    /// <summary>True when messages should be held without calling Outreach: paused and not yet time to probe.</summary>
    bool HoldsNow(out DateTimeOffset probeAt);

    /// <summary>Records that Outreach refused the credentials: hold until <paramref name="probeAt"/>; keeps the start of an ongoing pause.</summary>
    PauseStatus Pause(string reason, DateTimeOffset probeAt);

    /// <summary>Ends this instance's hold (a request succeeded); the next batch sends normally.</summary>
    void Resume();

    /// <summary>Re-reads the store when the last read is older than the poll interval (a paused instance learns of a re-authorization).</summary>
    Task RefreshIfDueAsync(CancellationToken cancellationToken);
}
