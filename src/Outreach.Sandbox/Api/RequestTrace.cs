namespace Outreach.Sandbox.Api;

/// <summary>What later stages learn about a call (user, app, injected fault) for the admin request log.</summary>
/// <remarks>Stored as an HttpContext feature by the request-log middleware and filled in as the call proceeds.</remarks>
internal sealed class RequestTrace
{
    public string? User { get; private set; }

    public string? ClientId { get; private set; }

    public string? Fault { get; set; }

    public void SetUser(string? user, string? clientId)
    {
        User = user;
        ClientId = clientId;
    }
}
