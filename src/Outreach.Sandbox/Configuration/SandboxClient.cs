namespace Outreach.Sandbox.Configuration;

/// <summary>An OAuth application registered with the sandbox (an Outreach "app" with its client credentials).</summary>
public sealed class SandboxClient
{
    /// <summary>The demo client id used when no client is configured.</summary>
    public const string DemoClientId = "sandbox-demo-client";

    /// <summary>The demo client secret; an obviously fake value, never a real credential.</summary>
    public const string DemoClientSecret = "sandbox-demo-secret-not-real";

    /// <summary>The demo redirect URI registered for the demo client.</summary>
    public const string DemoRedirectUri = "http://127.0.0.1/oauth/callback";

    /// <summary>The OAuth client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The OAuth client secret.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Redirect URIs accepted exactly (ordinal comparison), as Outreach's app settings do.</summary>
    public IList<string> RedirectUris { get; init; } = [];

    /// <summary>
    /// Also accept any http(s) redirect URI on a loopback host (127.0.0.1, localhost, [::1]) with any port and path.
    /// Sandbox-only convenience: local runs and tests listen on ports chosen at run time.
    /// </summary>
    public bool AllowLoopbackRedirectUris { get; set; } = true;

    /// <summary>Creates the demo client.</summary>
    public static SandboxClient CreateDemo() => new()
    {
        ClientId = DemoClientId,
        ClientSecret = DemoClientSecret,
        RedirectUris = [DemoRedirectUri],
        AllowLoopbackRedirectUris = true,
    };
}
