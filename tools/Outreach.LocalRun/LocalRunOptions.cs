using System.Globalization;

namespace Outreach.LocalRun;

/// <summary>What a local run was asked for on the command line; every value has a default so the command needs no arguments.</summary>
/// <param name="ConnectorPort">The connector's loopback port.</param>
/// <param name="SandboxPort">The Outreach sandbox's loopback port.</param>
/// <param name="MappingFile">The destination mapping the connector uses (full path).</param>
/// <param name="StateFolder">Where Azurite's data, the token store and the ingest secret are kept (full path).</param>
/// <param name="NewSecret">Replace the kept ingest secret with a new one.</param>
/// <param name="SandboxProspects">How many prospects the sandbox seeds (ids 1..N).</param>
/// <param name="SandboxDuplicateEmailEvery">Every N-th seeded prospect holds the previous one's email; 0 seeds no duplicates.</param>
public sealed record LocalRunOptions(
    int ConnectorPort,
    int SandboxPort,
    string MappingFile,
    string StateFolder,
    bool NewSecret,
    int SandboxProspects,
    int SandboxDuplicateEmailEvery)
{
    /// <summary>The connector's base address.</summary>
    public Uri ConnectorUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ConnectorPort}/"));

    /// <summary>The sandbox's base address.</summary>
    public string SandboxUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{SandboxPort}");

    /// <summary>Azurite's data folder.</summary>
    public string AzuriteFolder => Path.Combine(StateFolder, "azurite");

    /// <summary>The local development token store's folder.</summary>
    public string TokenFolder => Path.Combine(StateFolder, "tokens");

    /// <summary>The file that keeps the ingest secret across restarts.</summary>
    public string SecretFile => Path.Combine(StateFolder, "ingest-secret");
}
