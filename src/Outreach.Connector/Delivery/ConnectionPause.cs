namespace Outreach.Connector.Delivery;

/// <summary>Whether delivery to Outreach is paused because the connection needs re-authorization.</summary>
/// <remarks>
/// Set when Outreach refuses the credentials (after the client's own token refresh). Until
/// <see cref="PauseStatus.ProbeAt"/> the engine holds every message without calling Outreach; after it, the next
/// batch sends normally, so one request probes whether the connection works again; a success ends the pause.
/// The token component (or an operator) can end it early with <see cref="Resume"/> after re-authorizing.
/// The state is per process: another instance learns of the problem from its own first refused request.
/// </remarks>
public sealed class ConnectionPause(TimeProvider time)
{
    private PauseStatus? _status;

    /// <summary>True while the connection is known to need re-authorization.</summary>
    public bool IsPaused => Volatile.Read(ref _status) is not null;

    /// <summary>Details of the current pause, or null when delivery is not paused.</summary>
    public PauseStatus? Status => Volatile.Read(ref _status);

    /// <summary>Ends the pause (the connection was re-authorized); the next batch sends normally.</summary>
    public void Resume() => Volatile.Write(ref _status, null);

    /// <summary>True when messages should be held without calling Outreach: paused and not yet time to probe.</summary>
    internal bool HoldsNow(out DateTimeOffset probeAt)
    {
        var status = Volatile.Read(ref _status);
        probeAt = status?.ProbeAt ?? default;
        return status is not null && time.GetUtcNow() < status.ProbeAt;
    }

    /// <summary>Records that Outreach refused the credentials; keeps the original start time of an ongoing pause.</summary>
    internal PauseStatus Pause(string reason, DateTimeOffset probeAt)
    {
        var since = Volatile.Read(ref _status)?.Since ?? time.GetUtcNow();
        var status = new PauseStatus(since, reason, probeAt);
        Volatile.Write(ref _status, status);
        return status;
    }
}
