using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.OAuth;

/// <summary>Looks up registered OAuth clients and checks their credentials and redirect URIs.</summary>
internal sealed class ClientRegistry(IOptions<SandboxOptions> options)
{
    private readonly IList<SandboxClient> _clients = options.Value.Clients;

    public SandboxClient? Find(string? clientId) =>
        string.IsNullOrEmpty(clientId) ? null : _clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    /// <summary>The client when the id and secret match a registered client; otherwise null.</summary>
    public SandboxClient? Authenticate(string? clientId, string? clientSecret)
    {
        var client = Find(clientId);
        return client is not null && clientSecret is not null
            && CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(client.ClientSecret),
                Encoding.UTF8.GetBytes(clientSecret))
            ? client
            : null;
    }

    /// <summary>Whether the client may be redirected to <paramref name="redirectUri"/>.</summary>
    public static bool AllowsRedirect(SandboxClient client, string? redirectUri)
    {
        if (string.IsNullOrEmpty(redirectUri))
        {
            return false;
        }

        if (client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return true;
        }

        return client.AllowLoopbackRedirectUris
            && Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Fragment)
            && (uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address)));
    }
}
