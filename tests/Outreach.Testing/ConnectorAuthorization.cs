using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Outreach.Testing;

/// <summary>
/// Connects a running connector to the sandbox through the real OAuth authorization-code flow, as a person would in a
/// browser: open the connector's Connect link, sign in at the sandbox, follow the redirect to the connector's callback.
/// </summary>
public static class ConnectorAuthorization
{
    /// <summary>Runs the flow; returns the callback page's HTML, or throws with it when the connector did not connect.</summary>
    /// <param name="connectorBase">The connector's base address.</param>
    /// <param name="connectKey">The secret the Connect link needs (<c>?key=</c>).</param>
    /// <param name="sandbox">The sandbox playing Outreach.</param>
    /// <param name="cancellationToken">Cancels the flow.</param>
    public static async Task<string> ConnectAsync(Uri connectorBase, string connectKey, SandboxServer sandbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = connectorBase };
        using var start = await browser.GetAsync(new Uri("/api/oauth/connect?key=" + Uri.EscapeDataString(connectKey), UriKind.Relative), cancellationToken);
        if (start.StatusCode != HttpStatusCode.Redirect || start.Headers.Location is not { } authorize)
        {
            throw new InvalidOperationException($"The Connect link answered {(int)start.StatusCode} instead of a redirect to Outreach.");
        }

        var query = QueryHelpers.ParseQuery(authorize.Query);
        var state = query["state"].ToString();
        // The browser carries the scopes the connector asked for, so the connection gets exactly those.
        var scope = query.TryGetValue("scope", out var asked) ? asked.ToString() : SandboxServer.DefaultScope;
        var code = await sandbox.AuthorizeAsync(state, query["redirect_uri"], scope, cancellationToken: cancellationToken);
        using var callback = await browser.GetAsync(
            new Uri($"/api/oauth/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}", UriKind.Relative), cancellationToken);
        var page = await callback.Content.ReadAsStringAsync(cancellationToken);
        if (callback.StatusCode != HttpStatusCode.OK || !page.Contains("<h1>Connected</h1>", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The connector did not connect ({(int)callback.StatusCode}): {page}");
        }

        return page;
    }
}
