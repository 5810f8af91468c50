using Microsoft.Extensions.Options;

namespace Outreach.Connector.Queueing;

/// <summary>Checks <see cref="ServiceBusRestSenderOptions"/>; every message names the app setting to fix.</summary>
public sealed class ServiceBusRestSenderOptionsValidator : IValidateOptions<ServiceBusRestSenderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceBusRestSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BaseAddress is null)
        {
            var ns = options.FullyQualifiedNamespace;
            if (string.IsNullOrWhiteSpace(ns))
            {
                failures.Add("The setting ServiceBusConnection__fullyQualifiedNamespace is missing: the Service Bus REST sender needs the namespace host name, e.g. <namespace>.servicebus.windows.net (the emulator's connection string is not enough: it has no HTTP API).");
            }
            else if (Uri.CheckHostName(ns) != UriHostNameType.Dns)
            {
                failures.Add($"The setting ServiceBusConnection__fullyQualifiedNamespace must be a host name such as <namespace>.servicebus.windows.net, not '{ns}'.");
            }
        }
        else if (!options.BaseAddress.IsAbsoluteUri || !options.BaseAddress.AbsoluteUri.EndsWith('/'))
        {
            failures.Add("ServiceBusRestSenderOptions.BaseAddress must be an absolute URL ending with '/'.");
        }

        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add("The setting Delivery__QueueName is missing: it names the Service Bus queue the sender writes to.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add("ServiceBusRestSenderOptions.RequestTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
