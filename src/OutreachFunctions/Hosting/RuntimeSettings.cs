namespace OutreachFunctions.Hosting;

/// <summary>
/// The settings only one runtime reads. Every other setting of the connector is read by both; a setting the running
/// runtime does not read cannot make it misconfigured (Functions) or refuse to start (standalone), whatever its value.
/// </summary>
/// <remarks>
/// docs/functions.md's settings table says the same in its "runtime" column; <c>RuntimeSettingsTests</c> holds the two
/// together. A name ending in <c>__*</c> stands for every setting of that section.
/// </remarks>
public static class RuntimeSettings
{
    /// <summary>The settings of one runtime only, in app-setting spelling.</summary>
    public static IReadOnlyDictionary<string, ConnectorMode> OneRuntimeOnly { get; } = new Dictionary<string, ConnectorMode>(StringComparer.OrdinalIgnoreCase)
    {
        // The standalone drainer's batch; under Functions host.json's maxMessageBatchSize decides.
        ["Delivery__BatchSize"] = ConnectorMode.Standalone,
        // The standalone Storage-queue drainer, keep-alive service and ingest bearer secret; under Functions the
        // Service Bus trigger, the KeepAlive timer and the function key do their work.
        ["Drain__*"] = ConnectorMode.Standalone,
        ["KeepAlive__*"] = ConnectorMode.Standalone,
        ["Ingest__BearerSecret"] = ConnectorMode.Standalone,
        // The standalone enrolment sweep's interval; under Functions the EnrolmentSweep timer's schedule decides.
        ["Sequences__SweepInterval"] = ConnectorMode.Standalone,
        // The host's port and the handler's Service Bus client (the standalone queue is a Storage queue).
        ["FUNCTIONS_CUSTOMHANDLER_PORT"] = ConnectorMode.Functions,
        ["FUNCTIONS_HTTPWORKER_PORT"] = ConnectorMode.Functions,
        ["ServiceBusConnection"] = ConnectorMode.Functions,
        ["ServiceBusConnection__*"] = ConnectorMode.Functions,
        // Read by the Functions host itself, never by the app.
        ["FUNCTIONS_WORKER_RUNTIME"] = ConnectorMode.Functions,
        ["AzureWebJobsStorage"] = ConnectorMode.Functions,
        ["AzureWebJobsStorage__*"] = ConnectorMode.Functions,
    };

    /// <summary>True when <paramref name="setting"/> (app-setting spelling) is read by the runtime <paramref name="mode"/>.</summary>
    public static bool AppliesTo(string setting, ConnectorMode mode)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return OnlyFor(setting) is not { } only || only == mode;
    }

    /// <summary>The one runtime that reads <paramref name="setting"/>, or null when both do.</summary>
    public static ConnectorMode? OnlyFor(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (OneRuntimeOnly.TryGetValue(setting, out var exact))
        {
            return exact;
        }

        foreach (var (name, mode) in OneRuntimeOnly)
        {
            if (name.EndsWith("__*", StringComparison.Ordinal) && setting.StartsWith(name[..^1], StringComparison.OrdinalIgnoreCase))
            {
                return mode;
            }
        }

        return null;
    }
}
