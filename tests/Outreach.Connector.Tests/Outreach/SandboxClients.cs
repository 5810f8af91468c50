using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>
/// A started sandbox with one connected user, and the collection, email-lookup and bulk clients talking to it over
/// loopback HTTP with that user's token (no Azurite: the token comes from the sandbox's own OAuth flow).
/// </summary>
internal sealed class SandboxClients : IAsyncDisposable
{
    /// <summary>Every scope the bulk path needs.</summary>
    public const string AllScopes = "prospects.read prospects.write batches.read batches.write";

    private SandboxClients(SandboxServer sandbox, string accessToken, OutreachBulkOptions options)
    {
        Sandbox = sandbox;
        Options = options;
        Logs = new LogCapture();
        Tokens = new FixedTokenProvider(accessToken);
        AccessToken = accessToken;
    }

    public SandboxServer Sandbox { get; }

    public OutreachBulkOptions Options { get; }

    public LogCapture Logs { get; }

    public FixedTokenProvider Tokens { get; }

    /// <summary>The connected user's access token, for raw API calls in a test's arrange step.</summary>
    public string AccessToken { get; }

    public static async Task<SandboxClients> StartAsync(
        Action<SandboxOptions>? sandbox = null, Action<OutreachBulkOptions>? client = null, string scope = AllScopes, TimeProvider? time = null)
    {
        var sandboxOptions = new SandboxOptions { Prospects = { SeedCount = 50 } };
        sandbox?.Invoke(sandboxOptions);
        var server = await SandboxServer.StartAsync(sandboxOptions, time);
        var tokens = await server.ConnectAsync(scope);
        var options = new OutreachBulkOptions();
        client?.Invoke(options);
        return new SandboxClients(server, tokens.AccessToken, options);
    }

    /// <summary>What every answer's rate-limit headers said, as the pipeline's rate-limit handler passed them on.</summary>
    public RecordingObserver Observed { get; } = new();

    public OutreachProspectReader Reader() =>
        new(Sender(), Microsoft.Extensions.Options.Options.Create(Options), Logs.CreateLogger<OutreachProspectReader>());

    public OutreachBulkClient Bulk() =>
        new(Sender(), Microsoft.Extensions.Options.Options.Create(Options), Logs.CreateLogger<OutreachBulkClient>());

    public OutreachEmailLookup EmailLookup() =>
        new(Sender(), Microsoft.Extensions.Options.Options.Create(Options));

    /// <summary>The connector's one Outreach pipeline over loopback HTTP to the sandbox, with <see cref="Tokens"/> (or others).</summary>
    public OutreachApiSender Sender(IAccessTokenProvider? tokens = null) =>
        OutreachApiSender.Create(new SocketsHttpHandler { AllowAutoRedirect = false }, tokens ?? Tokens, ConnectorOptions().Value, TimeProvider.System, [Observed], Logs.Factory());

    public async ValueTask DisposeAsync()
    {
        Logs.Dispose();
        await Sandbox.DisposeAsync();
    }

    private IOptions<OutreachOptions> ConnectorOptions() => Microsoft.Extensions.Options.Options.Create(new OutreachOptions
    {
        ApiBaseUrl = Sandbox.ApiBaseAddress,
        ClientId = Sandbox.ClientId,
        ClientSecret = Sandbox.ClientSecret,
    });

    /// <summary>Records every rate-limit snapshot the pipeline hands on.</summary>
    internal sealed class RecordingObserver : IRateLimitObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<RateLimitSnapshot> _snapshots = new();

        public IReadOnlyList<RateLimitSnapshot> Snapshots => [.. _snapshots];

        public Task ObserveAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
        {
            _snapshots.Enqueue(snapshot);
            return Task.CompletedTask;
        }
    }

    /// <summary>Hands out one token; a 401 has no second token to give (the connection needs re-authorization).</summary>
    internal sealed class FixedTokenProvider(string accessToken) : IAccessTokenProvider
    {
        public string ConnectionName => "sandbox";

        public ValueTask<AccessTokenOutcome> GetAccessTokenAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<AccessTokenOutcome>(new AccessTokenOutcome.Available(new OutreachAccessToken(accessToken, DateTimeOffset.MaxValue)));

        public ValueTask<AccessTokenOutcome> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken) =>
            ValueTask.FromResult<AccessTokenOutcome>(new AccessTokenOutcome.NeedsReauthorization("The sandbox token was refused.", null));

        public ValueTask<AccessTokenOutcome> RejectedAfterRefreshAsync(OutreachAccessToken rejected, CancellationToken cancellationToken) =>
            RefreshAfterRejectionAsync(rejected, cancellationToken);
    }
}
