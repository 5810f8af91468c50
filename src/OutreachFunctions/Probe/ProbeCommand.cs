using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;
using Outreach.Connector.Storage;
using Outreach.Connector.Tokens;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Probe;

/// <summary>
/// <c>OutreachFunctions probe-outreach --prospect-id N [--field NAME]</c>: runs <see cref="OutreachProbe"/> against the
/// connected Outreach org with the app's own settings and prints what it found and the settings to use.
/// </summary>
/// <remarks>A sub-command like <c>replay</c>: it needs the app's settings and token store (docs/probe.md).</remarks>
public static class ProbeCommand
{
    /// <summary>The sub-command's name, the first argument.</summary>
    public const string Name = "probe-outreach";

    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: OutreachFunctions probe-outreach --prospect-id N [--field NAME] [--sequence-id S --mailbox-id M]\n" +
        "  Checks on ONE test prospect what the connected Outreach org accepts (scopes, rate-limit headers, filter[id] list length,\n" +
        "  several emails per lookup, bulk body shape, batch completion, bulkUpsert imports with dupeMethod=overwriteNoCreate only,\n" +
        "  which never creates a prospect), writes only that prospect's field NAME (default custom1), puts its original value back\n" +
        "  and prints the settings to use.\n" +
        "  With --sequence-id and --mailbox-id (alone or with --prospect-id): checks READ-ONLY that the sequence exists and is enabled,\n" +
        "  the mailbox exists and may send, and the token's scopes allow enrolment. It never enrols anyone.";

    /// <summary>True when the arguments ask for this command (Program.cs checks this first).</summary>
    public static bool IsProbe(IReadOnlyList<string> args) => args is { Count: > 0 } && args[0] == Name;

    /// <summary>
    /// Runs the command; returns the exit code (0 done, restored and the sequence ready; 1 stopped early, the prospect not
    /// restored or the sequence not ready; 2 bad arguments or settings).
    /// </summary>
    /// <param name="args">The whole command line, starting with <c>probe-outreach</c>.</param>
    /// <param name="configuration">The app's configuration.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var rest = args.Skip(1).ToList();
        if (rest.Contains("--help"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (!ProbeCommandLine.TryParse(rest, out var commandLine, out var problem))
        {
            await error.WriteLineAsync(problem + "\n" + Usage);
            return 2;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        try
        {
            var storage = ConnectorStorage.FromConfiguration(configuration);
            services.AddSingleton(storage.Tables);
            services.AddSingleton(storage.Blobs);
            services.AddOutreachClient(configuration);
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using var provider = services.BuildServiceProvider();
        ProbeReport report;
        try
        {
            var options = provider.GetRequiredService<IOptions<OutreachOptions>>();
            using var recorder = new RateLimitHeaderRecorder(new SocketsHttpHandler { AllowAutoRedirect = false });
            // The probe's own clients send through the same pipeline as the connector's, with the recorder as the last handler.
            var sender = OutreachApiSender.Create(
                recorder, provider.GetRequiredService<IAccessTokenProvider>(), options.Value, provider.GetRequiredService<TimeProvider>());
            var probe = new OutreachProbe(
                sender,
                recorder,
                provider.GetRequiredService<ITokenStore>(),
                provider.GetRequiredService<IOutreachProspectClient>(),
                provider.GetRequiredService<IOptions<TokenOptions>>(),
                provider.GetRequiredService<TimeProvider>());
            report = commandLine!.ProspectTrials is { } arguments ? await probe.RunAsync(arguments, cancellationToken) : new ProbeReport { Restored = true };
            if (commandLine.SequenceCheck is { } sequence)
            {
                var sequenceProbe = new SequenceProbe(
                    sender, provider.GetRequiredService<ITokenStore>(), provider.GetRequiredService<IOptions<TokenOptions>>(), options);
                await sequenceProbe.CheckAsync(report, sequence.SequenceId, sequence.MailboxId, cancellationToken);
            }
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, SettingsProblems.FromException(ex).Select(p => p.Problem)));
            return 2;
        }

        await report.WriteAsync(output);
        return report.ExitCode;
    }
}
