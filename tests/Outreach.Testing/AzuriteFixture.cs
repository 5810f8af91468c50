namespace Outreach.Testing;

/// <summary>
/// An xunit fixture that shares one Azurite process across the tests of a collection.
/// </summary>
/// <remarks>
/// Each test project declares its own collection (<c>[CollectionDefinition("Azurite")]</c>) with this fixture;
/// tests isolate themselves by using unique table, queue and container names.
/// </remarks>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    /// <summary>The running emulator.</summary>
    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>A storage connection string for the running emulator.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>A name unique to this run, safe for tables, queues and containers (lower-case letters and digits).</summary>
    public static string UniqueName(string prefix) => prefix.ToLowerInvariant() + Guid.NewGuid().ToString("N")[..12];

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
