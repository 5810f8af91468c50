using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// The embedded default token store for a developer machine or a single-machine run: one JSON file per connection
/// (<c>{folder}/{connection}.json</c>, readable by the current user only). Refuses to start in Azure.
/// </summary>
/// <remarks>
/// The file holds the tokens in plain text, which is acceptable on a developer's own machine and nowhere else: in
/// Azure the constructor throws and tells to use Key Vault. Writes go to a temporary file that replaces the old one,
/// so a crash never leaves half a file; the version is a counter checked before the write (the connection's lock
/// excludes concurrent writers across processes).
/// </remarks>
public sealed class LocalDevelopmentTokenStore : ITokenStore
{
    private readonly string _folder;
    private readonly ILogger<LocalDevelopmentTokenStore> _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Creates the store; throws <see cref="InvalidOperationException"/> when the process runs in Azure.</summary>
    /// <param name="options">The token options (<see cref="TokenOptions.LocalStorePath"/>).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="environment">Reads environment variables; null reads the process environment.</param>
    public LocalDevelopmentTokenStore(IOptions<TokenOptions> options, ILogger<LocalDevelopmentTokenStore> logger, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (AzureEnvironment.Detect(environment ?? Environment.GetEnvironmentVariable) is { } azure)
        {
            throw new InvalidOperationException(AzureEnvironment.LocalStoreRefusal(azure));
        }

        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _folder = string.IsNullOrWhiteSpace(options.Value.LocalStorePath)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "OutreachConnector", "tokens")
            : Path.GetFullPath(options.Value.LocalStorePath);
    }

    /// <summary>The folder holding the token files.</summary>
    public string Folder => _folder;

    /// <inheritdoc />
    public async Task<StoredConnection?> GetAsync(string connectionName, CancellationToken cancellationToken)
    {
        var file = await ReadFileAsync(PathOf(connectionName), cancellationToken);
        return file is null ? null : new StoredConnection(file.ToTokens(), file.Version.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public async Task<TokenStoreWriteOutcome> SaveAsync(string connectionName, ConnectionTokens tokens, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var path = PathOf(connectionName);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var current = await ReadFileAsync(path, cancellationToken);
            var currentVersion = current?.Version.ToString(CultureInfo.InvariantCulture);
            if (!string.Equals(currentVersion, expectedVersion, StringComparison.Ordinal))
            {
                LocalStoreLog.Conflict(_logger, connectionName, expectedVersion ?? "(none)", currentVersion ?? "(none)");
                return TokenStoreWriteOutcome.Conflict;
            }

            var next = TokenFile.From(tokens, (current?.Version ?? 0) + 1);
            Directory.CreateDirectory(_folder);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temporary, fileOptions))
            {
                await JsonSerializer.SerializeAsync(stream, next, TokenFileJsonContext.Default.TokenFile, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
            LocalStoreLog.Saved(_logger, connectionName, next.Version, tokens.Status);
            return TokenStoreWriteOutcome.Success(next.Version.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private string PathOf(string connectionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        if (connectionName.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || connectionName.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException("The connection name is not a valid file name.", nameof(connectionName));
        }

        return Path.Combine(_folder, connectionName + ".json");
    }

    private static async Task<TokenFile?> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync(stream, TokenFileJsonContext.Default.TokenFile, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>The JSON layout of one local token file.</summary>
internal sealed record TokenFile(
    long Version,
    ConnectionStatus Status,
    string RefreshToken,
    DateTimeOffset RefreshTokenIssuedAt,
    string? AccessToken,
    DateTimeOffset? AccessTokenIssuedAt,
    DateTimeOffset? AccessTokenExpiresAt,
    string? Scope,
    string? StatusReason,
    DateTimeOffset? StatusChangedAt)
{
    public static TokenFile From(ConnectionTokens t, long version) => new(
        version, t.Status, t.RefreshToken, t.RefreshTokenIssuedAt, t.AccessToken, t.AccessTokenIssuedAt, t.AccessTokenExpiresAt, t.Scope, t.StatusReason, t.StatusChangedAt);

    public ConnectionTokens ToTokens() =>
        new(Status, RefreshToken, RefreshTokenIssuedAt, AccessToken, AccessTokenIssuedAt, AccessTokenExpiresAt, Scope)
        {
            StatusReason = StatusReason,
            StatusChangedAt = StatusChangedAt,
        };

    public override string ToString() => $"TokenFile {{ Version = {Version}, Status = {Status}, tokens redacted }}";
}

/// <summary>Source-generated JSON metadata of the local token file.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TokenFile))]
internal sealed partial class TokenFileJsonContext : JsonSerializerContext;

/// <summary>Source-generated log messages of <see cref="LocalDevelopmentTokenStore"/>.</summary>
internal static partial class LocalStoreLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Saved the tokens of Outreach connection {ConnectionName} to the local development store (version {Version}, status {Status})")]
    public static partial void Saved(ILogger logger, string connectionName, long version, ConnectionStatus status);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Did not save the tokens of Outreach connection {ConnectionName} locally: expected version {Expected}, found {Found}")]
    public static partial void Conflict(ILogger logger, string connectionName, string expected, string found);
}
