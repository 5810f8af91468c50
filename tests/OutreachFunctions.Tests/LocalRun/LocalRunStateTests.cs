using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OutreachFunctions.Tests.EndToEnd;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.LocalRun;

/// <summary>The local run keeps what it accepted and its secret across kills and restarts, and leaves no process behind.</summary>
/// <remarks>Linux only, like the local run's process handling it tests (process groups, /proc, file modes).</remarks>
[Collection(LocalRunCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalRunStateTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("localrun-state-");

    private string SecretFile => Path.Combine(_state.FullName, "ingest-secret");

    [Fact]
    public async Task Updates_answered_202_survive_a_kill_9_of_the_whole_run_and_are_delivered_after_the_restart()
    {
        // The sandbox lives in the run's memory and starts afresh (reseeded) on every start, so an update delivered
        // before the kill would be gone from it after the restart and prove nothing. The first run therefore accepts
        // without delivering (Drain__Enabled=false: an ingest-only connector): at the kill, every update answered 202
        // exists only in Azurite's queue. Seeing all of them in the restarted sandbox proves the queue kept them.
        var factory = new ProfileFactory();
        var random = new Random(14);
        var profiles = Enumerable.Range(1, 30).Select(id => factory.Profile(id, random, minute: 1)).ToList();

        await using (var first = await LocalRunProcess.StartAsync(_state.FullName, environment: new Dictionary<string, string> { ["Drain__Enabled"] = "false" }))
        {
            using var client = first.CreateIngestClient(await File.ReadAllTextAsync(SecretFile));
            await PipelineTests.PostAsync(client, profiles);
            var azurite = Assert.Single(first.AzuritePids());

            await first.KillWholeRunAsync();

            // The kernel delivers the signal to every process of the group; Azurite's teardown may still be under way.
            await Eventually.HoldsAsync(
                () => Task.FromResult(!LocalRunProcess.IsAlive(azurite)),
                () => Task.FromResult($"Azurite (pid {azurite}) outlived a kill of its process group."));
        }

        var secret = await File.ReadAllTextAsync(SecretFile);
        await using var second = await LocalRunProcess.StartAsync(_state.FullName);

        await second.AssertProspectsHoldAsync(factory.Expected);
        Assert.Equal(secret, await File.ReadAllTextAsync(SecretFile));
        Assert.Contains("key=" + secret.Trim(), second.Output(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kill_9_of_the_main_process_leaves_no_Azurite_and_the_secret_is_kept_unless_a_new_one_is_asked_for()
    {
        int azurite;
        string secret;
        await using (var first = await LocalRunProcess.StartAsync(_state.FullName))
        {
            azurite = Assert.Single(first.AzuritePids());
            secret = await File.ReadAllTextAsync(SecretFile);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretFile));

            await first.KillMainProcessAsync();
        }

        // Azurite notices its parent is gone (its stdin closes) and exits on its own.
        await Eventually.HoldsAsync(
            () => Task.FromResult(!LocalRunProcess.IsAlive(azurite)),
            () => Task.FromResult($"Azurite (pid {azurite}) is still running after its local run was killed."));

        await using (var second = await LocalRunProcess.StartAsync(_state.FullName))
        {
            Assert.False(LocalRunProcess.IsAlive(azurite));
            Assert.Equal(secret, await File.ReadAllTextAsync(SecretFile));
            await AssertIngestAnswersAsync(second, secret.Trim(), HttpStatusCode.Accepted);
        }

        await using var renewed = await LocalRunProcess.StartAsync(_state.FullName, ["--new-secret"]);
        var newSecret = await File.ReadAllTextAsync(SecretFile);
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretFile));
        await AssertIngestAnswersAsync(renewed, secret.Trim(), HttpStatusCode.Unauthorized);
        await AssertIngestAnswersAsync(renewed, newSecret.Trim(), HttpStatusCode.Accepted);
    }

    /// <inheritdoc />
    public void Dispose() => _state.Delete(recursive: true);

    private static async Task AssertIngestAnswersAsync(LocalRunProcess run, string secret, HttpStatusCode expected)
    {
        using var client = run.CreateIngestClient(secret);
        var profile = new ProfileFactory().Profile(7, new Random(1), minute: 1);
        using var content = new StringContent(new JsonArray(profile).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("api/profiles", content);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
