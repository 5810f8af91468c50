using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>Checks <see cref="ServiceBusSenderOptions"/>; every message names the app setting to fix.</summary>
public sealed class ServiceBusSenderOptionsValidator : IValidateOptions<ServiceBusSenderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceBusSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.UsesIdentity)
        {
            if (Uri.CheckHostName(options.FullyQualifiedNamespace) != UriHostNameType.Dns)
            {
                failures.Add($"The setting ServiceBusConnection__fullyQualifiedNamespace must be a host name such as <namespace>.servicebus.windows.net, not '{options.FullyQualifiedNamespace}'.");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add(
                "The setting ServiceBusConnection__fullyQualifiedNamespace is missing: the Service Bus sender needs the namespace host name, " +
                "e.g. <namespace>.servicebus.windows.net (locally, set ServiceBusConnection to the emulator's connection string instead).");
        }
        else if (!IsConnectionString(options.ConnectionString))
        {
            // The value is a secret: it is not repeated.
            failures.Add("The setting ServiceBusConnection is not a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…).");
        }

        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add("The setting Delivery__QueueName is missing: it names the Service Bus queue the sender writes to.");
        }

        if (options.TryTimeout <= TimeSpan.Zero)
        {
            failures.Add("ServiceBusSenderOptions.TryTimeout must be positive.");
        }

        if (options.MaxRetries < 0)
        {
            failures.Add("ServiceBusSenderOptions.MaxRetries must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            var properties = ServiceBusConnectionStringProperties.Parse(value);
            return properties.Endpoint is not null;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
