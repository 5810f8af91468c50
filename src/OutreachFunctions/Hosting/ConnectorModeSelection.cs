using OutreachFunctions.Functions;

namespace OutreachFunctions.Hosting;

/// <summary>Which way the binary runs: <c>Connector__Mode</c> when set, else Functions when the host gave a port.</summary>
public static class ConnectorModeSelection
{
    /// <summary>The setting that forces a mode (<c>Connector__Mode</c> = Standalone or Functions).</summary>
    public const string SettingName = "Connector:Mode";

    /// <summary>The mode the configuration asks for.</summary>
    public static ConnectorMode Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue<ConnectorMode?>(SettingName)
            ?? (HandlerPort.IsSet(configuration) ? ConnectorMode.Functions : ConnectorMode.Standalone);
    }
}
