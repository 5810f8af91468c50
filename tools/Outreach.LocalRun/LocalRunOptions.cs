using System.Globalization;

namespace Outreach.LocalRun;

/// <summary>The ports and files of a local run; every value has a default so the command needs no arguments.</summary>
public sealed record LocalRunOptions(int ConnectorPort, int SandboxPort, string MappingFile, string StateFolder)
{
    /// <summary>Reads <c>--connector-port</c>, <c>--sandbox-port</c>, <c>--mapping</c> and <c>--state</c> from the arguments.</summary>
    public static LocalRunOptions Parse(string[] args, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        return new LocalRunOptions(
            int.Parse(Value("--connector-port") ?? "7071", CultureInfo.InvariantCulture),
            int.Parse(Value("--sandbox-port") ?? "5380", CultureInfo.InvariantCulture),
            Path.GetFullPath(Value("--mapping") ?? Path.Combine(repositoryRoot, "samples", "mapping.json")),
            Path.GetFullPath(Value("--state") ?? Path.Combine(repositoryRoot, ".local")));
    }

    /// <summary>The connector's base address.</summary>
    public Uri ConnectorUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ConnectorPort}/"));

    /// <summary>The sandbox's base address.</summary>
    public string SandboxUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{SandboxPort}");
}
