using Microsoft.Extensions.Options;

namespace OutreachFunctions.Functions;

/// <summary>Checks <see cref="FunctionsSettings"/>; every message names the app setting to set.</summary>
public sealed class FunctionsSettingsValidator : IValidateOptions<FunctionsSettings>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FunctionsSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.StorageConnectionString) && string.IsNullOrWhiteSpace(options.StorageAccountName)
            ? ValidateOptionsResult.Fail(
                "The setting ConnectorStorage__accountName is missing: the connector keeps its delivery state, OAuth states, token lock and " +
                "undecodable messages in this storage account (with ConnectorStorage__credential=managedidentity and ConnectorStorage__clientId " +
                "in Azure); locally set ConnectorStorage to a connection string such as UseDevelopmentStorage=true.")
            : ValidateOptionsResult.Success;
    }
}
