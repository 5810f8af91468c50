namespace Outreach.Connector.Tokens;

/// <summary>Tells whether the process runs in Azure (App Service, Functions, Container Apps), from its environment variables.</summary>
public static class AzureEnvironment
{
    /// <summary>
    /// Returns the variable that shows the process runs in Azure, or null on a developer machine.
    /// </summary>
    /// <remarks>
    /// <c>FUNCTIONS_WORKER_RUNTIME</c> alone proves nothing (local.settings.json sets it too), so it counts only together
    /// with <c>CONTAINER_NAME</c>, which the Functions platform sets on its workers.
    /// </remarks>
    public static string? Detect(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in new[] { "WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME", "CONTAINER_APP_REPLICA_NAME" })
        {
            if (!string.IsNullOrEmpty(environment(name)))
            {
                return name;
            }
        }

        return !string.IsNullOrEmpty(environment("FUNCTIONS_WORKER_RUNTIME")) && !string.IsNullOrEmpty(environment("CONTAINER_NAME"))
            ? "FUNCTIONS_WORKER_RUNTIME with CONTAINER_NAME"
            : null;
    }

    /// <summary>The message that stops the local token store from starting in Azure.</summary>
    public static string LocalStoreRefusal(string evidence) =>
        $"Tokens:Store is Local, but this process runs in Azure ({evidence} is set). The local development store keeps " +
        "refresh tokens in a plain file on one machine: in Azure set Tokens:Store to KeyVault and Tokens:KeyVaultUri to the vault's URL.";
}
