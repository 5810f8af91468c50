using System.Globalization;

namespace Outreach.Testing;

/// <summary>
/// The settings that point a standalone connector at Azurite and the Outreach sandbox: shared by the tests, the crash
/// test's separate process, the benchmarks and the local run, so they all configure the connector the same way.
/// </summary>
public static class SandboxConnectorSettings
{
    /// <summary>Settings for a connector listening at <paramref name="connectorBase"/>.</summary>
    /// <param name="storageConnectionString">Azurite's connection string.</param>
    /// <param name="sandbox">The sandbox playing Outreach.</param>
    /// <param name="connectorBase">Where the connector will listen (its OAuth callback is derived from it).</param>
    /// <param name="ingestSecret">The bearer secret for ingest and the Connect link.</param>
    /// <param name="tokenFolder">The local development token store's folder.</param>
    /// <param name="namePrefix">A prefix for the queue, tables and lock container, so instances can share one Azurite.</param>
    public static Dictionary<string, string?> Create(
        string storageConnectionString, SandboxServer sandbox, Uri connectorBase, string ingestSecret, string tokenFolder, string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return new Dictionary<string, string?>
        {
            ["ConnectorStorage"] = storageConnectionString,
            ["Delivery:QueueName"] = namePrefix + "-updates",
            ["Delivery:TablePrefix"] = namePrefix,
            ["Tokens:Store"] = "Local",
            ["Tokens:LocalStorePath"] = tokenFolder,
            ["Tokens:OAuthStateTableName"] = namePrefix + "OAuthStates",
            ["Tokens:LockContainerName"] = namePrefix + "-locks",
            ["Ingest:BearerSecret"] = ingestSecret,
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
            ["Outreach:ApiBaseUrl"] = sandbox.ApiBaseAddress.ToString(),
            ["Outreach:AuthorizeUrl"] = sandbox.AuthorizeUri.ToString(),
            ["Outreach:TokenUrl"] = sandbox.TokenUri.ToString(),
            ["Outreach:ClientId"] = sandbox.ClientId,
            ["Outreach:ClientSecret"] = sandbox.ClientSecret,
            ["Outreach:RedirectUri"] = new Uri(connectorBase, "api/oauth/callback").ToString(),
        };
    }

    /// <summary>The base address of a connector on a loopback port.</summary>
    public static Uri LoopbackBase(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
}
