namespace Outreach.Connector.Tokens;

/// <summary>Why and since when delivery is paused, and when it will try Outreach again.</summary>
/// <param name="Since">When Outreach first refused the credentials.</param>
/// <param name="Reason">What the Outreach client reported.</param>
/// <param name="ProbeAt">When the engine will send one request again to see whether the connection works.</param>
public sealed record PauseStatus(DateTimeOffset Since, string Reason, DateTimeOffset ProbeAt);
