using Microsoft.Extensions.Options;

namespace OutreachFunctions.Functions;

/// <summary>Checks <see cref="FunctionsSettings"/>; every message names the app setting to set.</summary>
public sealed class FunctionsSettingsValidator : IValidateOptions<FunctionsSettings>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FunctionsSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add("The setting Delivery__QueueName is missing: it names the Service Bus queue of prospect updates (Ingest sends to it, the Deliver trigger reads it).");
        }

        if (string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace) && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add(
                "The setting ServiceBusConnection__fullyQualifiedNamespace is missing: set it to <namespace>.servicebus.windows.net (with " +
                "ServiceBusConnection__credential=managedidentity and ServiceBusConnection__clientId in Azure), or set ServiceBusConnection " +
                "to the emulator's connection string locally.");
        }
        else if (options.FullyQualifiedNamespace is { } ns && !string.IsNullOrWhiteSpace(ns) && (ns.Contains("://", StringComparison.Ordinal) || ns.Contains('/', StringComparison.Ordinal)))
        {
            failures.Add($"The setting ServiceBusConnection__fullyQualifiedNamespace must be a host name such as <namespace>.servicebus.windows.net, not '{ns}'.");
        }

        if (string.IsNullOrWhiteSpace(options.StorageConnectionString) && string.IsNullOrWhiteSpace(options.StorageAccountName))
        {
            failures.Add(
                "The setting ConnectorStorage__accountName is missing: the connector keeps its delivery state, OAuth states, token lock and " +
                "undecodable messages in this storage account (with ConnectorStorage__credential=managedidentity and ConnectorStorage__clientId " +
                "in Azure); locally set ConnectorStorage to a connection string such as UseDevelopmentStorage=true.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
