namespace Outreach.Connector.Tokens;

/// <summary>Reads an Outreach connection's status (for health checks, status pages and the delivery engine's pause logic).</summary>
public interface IConnectionStatusSource
{
    /// <summary>The connection's status as the token store holds it now.</summary>
    Task<ConnectionStatusReport> GetStatusAsync(CancellationToken cancellationToken);
}
