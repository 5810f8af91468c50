using System.Globalization;

namespace OutreachFunctions.Functions;

/// <summary>The loopback port the Functions host gives the custom handler (docs/reference/functions-host.md §1).</summary>
public static class HandlerPort
{
    /// <summary>The setting the host sets for the handler's port.</summary>
    public const string SettingName = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>The older name of the same setting, still set by the host.</summary>
    public const string LegacySettingName = "FUNCTIONS_HTTPWORKER_PORT";

    /// <summary>True when either setting is present, i.e. the Functions host started this process.</summary>
    public static bool IsSet(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[SettingName]) || !string.IsNullOrWhiteSpace(configuration[LegacySettingName]);
    }

    /// <summary>Reads the port (0 = any free port, for tests).</summary>
    /// <exception cref="InvalidOperationException">Neither setting is present or valid; the message names them.</exception>
    public static int Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var name in new[] { SettingName, LegacySettingName })
        {
            var value = configuration[name];
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535)
            {
                return port;
            }

            throw new InvalidOperationException($"The setting {name} must be a TCP port number (0 to 65535), not '{value}'.");
        }

        throw new InvalidOperationException(
            $"The setting {SettingName} is missing: in Functions mode the Functions host sets it (or {LegacySettingName}) to the port the handler " +
            "must listen on. Start the app with `func start` from the packaged folder, or set Connector__Mode=Standalone.");
    }
}
