using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

public sealed class LocalDevelopmentTokenStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokens-");
    private readonly LogCapture _logs = new();

    private LocalDevelopmentTokenStore CreateStore(Func<string, string?>? environment = null) =>
        new(Options.Create(new TokenOptions { Store = TokenStoreKind.Local, LocalStorePath = _folder.FullName }), _logs.CreateLogger<LocalDevelopmentTokenStore>(), environment ?? (_ => null));

    private static ConnectionTokens Tokens(string refresh) =>
        new(ConnectionStatus.Connected, refresh, Now, "at-" + refresh, Now, Now.AddHours(2), "prospects.read prospects.write") { StatusReason = "authorized", StatusChangedAt = Now };

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Saved_tokens_are_read_back_with_a_new_version()
    {
        var store = CreateStore();

        var first = await store.SaveAsync("default", Tokens("rt-1"), null, CancellationToken.None);
        var second = await store.SaveAsync("default", Tokens("rt-2"), first.Version, CancellationToken.None);
        var read = await store.GetAsync("default", CancellationToken.None);

        Assert.Equal("2", second.Version);
        Assert.Equal(new StoredConnection(Tokens("rt-2"), "2"), read);
        Assert.Equal(["default.json"], _folder.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task Save_based_on_an_old_version_is_a_conflict()
    {
        var store = CreateStore();
        var first = await store.SaveAsync("default", Tokens("rt-1"), null, CancellationToken.None);
        await store.SaveAsync("default", Tokens("rt-2"), first.Version, CancellationToken.None);

        Assert.False((await store.SaveAsync("default", Tokens("rt-3"), first.Version, CancellationToken.None)).Saved);
        Assert.Equal("rt-2", (await store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Token_file_is_readable_by_the_owner_only()
    {
        await CreateStore().SaveAsync("default", Tokens("rt-1"), null, CancellationToken.None);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder.FullName, "default.json")));
        }
    }

    [Fact]
    public async Task Missing_folder_reads_as_nothing_stored()
    {
        var store = new LocalDevelopmentTokenStore(
            Options.Create(new TokenOptions { Store = TokenStoreKind.Local, LocalStorePath = Path.Combine(_folder.FullName, "not-yet") }),
            _logs.CreateLogger<LocalDevelopmentTokenStore>(),
            _ => null);

        Assert.Null(await store.GetAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Connection_names_that_escape_the_folder_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => CreateStore().GetAsync("../evil", CancellationToken.None));
    }

    [Theory]
    [InlineData("WEBSITE_INSTANCE_ID")]
    [InlineData("WEBSITE_SITE_NAME")]
    [InlineData("CONTAINER_APP_NAME")]
    public void Local_store_refuses_to_start_in_azure(string variable)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => CreateStore(name => name == variable ? "x" : null));

        Assert.Contains(variable, failure.Message, StringComparison.Ordinal);
        Assert.Contains("KeyVault", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_store_refuses_to_start_on_a_functions_worker_container()
    {
        Assert.Throws<InvalidOperationException>(() => CreateStore(name => name is "FUNCTIONS_WORKER_RUNTIME" or "CONTAINER_NAME" ? "x" : null));
    }

    [Fact]
    public void Local_store_starts_locally_even_with_the_functions_runtime_setting_of_local_settings()
    {
        Assert.NotNull(CreateStore(name => name == "FUNCTIONS_WORKER_RUNTIME" ? "custom" : null));
    }

    [Fact]
    public async Task Logs_never_contain_tokens()
    {
        await CreateStore().SaveAsync("default", Tokens("rt-SECRET"), null, CancellationToken.None);

        Assert.NotEmpty(_logs.Entries);
        Assert.DoesNotContain("SECRET", _logs.AllText, StringComparison.Ordinal);
    }
}
