using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.OAuth;

/// <summary>The parameters of an authorize request, read from the query (GET) or the sign-in form (POST).</summary>
internal sealed record AuthorizeRequest(string? ClientId, string? RedirectUri, string? ResponseType, string? Scope, string? State)
{
    public static AuthorizeRequest From(Func<string, StringValues> read) => new(
        Value(read("client_id")),
        Value(read("redirect_uri")),
        Value(read("response_type")),
        Value(read("scope")),
        // State is echoed exactly, including an empty string, so it is not trimmed or nulled.
        read("state") is { Count: > 0 } state ? state.ToString() : null);

    /// <summary>Returns why the request cannot be shown or redirected (400 error page), or null when it is acceptable.</summary>
    public string? Problem(ClientRegistry clients, out SandboxClient? client)
    {
        client = clients.Find(ClientId);
        if (client is null)
        {
            return "Unknown client_id: no application is registered with this id.";
        }

        if (!ClientRegistry.AllowsRedirect(client, RedirectUri))
        {
            return "The redirect_uri is not registered for this application.";
        }

        if (!string.Equals(ResponseType, "code", StringComparison.Ordinal))
        {
            return "response_type must be 'code'.";
        }

        return string.IsNullOrWhiteSpace(Scope) ? "The scope parameter is required." : null;
    }

    /// <summary>The redirect back to the application with extra query parameters and the echoed state.</summary>
    public string RedirectWith(string name, string value)
    {
        var parameters = new Dictionary<string, string?> { [name] = value };
        if (State is not null)
        {
            parameters["state"] = State;
        }

        return QueryHelpers.AddQueryString(RedirectUri!, parameters);
    }

    private static string? Value(StringValues values) => values.Count == 0 || string.IsNullOrWhiteSpace(values[0]) ? null : values[0]!.Trim();
}
