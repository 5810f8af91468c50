namespace Outreach.Connector.Tokens;

/// <summary>Reads an Outreach connection's status from the shared token store (for health checks and status pages).</summary>
public interface IConnectionStatusSource
{
    /// <summary>The connection's status as the token store holds it now.</summary>
    Task<ConnectionStatusReport> GetStatusAsync(CancellationToken cancellationToken);
}
