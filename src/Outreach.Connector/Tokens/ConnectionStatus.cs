namespace Outreach.Connector.Tokens;

/// <summary>Whether an Outreach connection can be used, as kept in the token store.</summary>
public enum ConnectionStatus
{
    /// <summary>No authorization was ever stored for the connection.</summary>
    NotConnected = 0,

    /// <summary>The connection holds a refresh token that is believed valid.</summary>
    Connected = 1,

    /// <summary>Outreach refused the refresh token (revoked or expired): a person must authorize the app again.</summary>
    NeedsReauthorization = 2,
}
