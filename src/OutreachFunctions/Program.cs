using OutreachFunctions.Functions;
using OutreachFunctions.Hosting;
using OutreachFunctions.Monitoring;
using OutreachFunctions.Probe;
using OutreachFunctions.Standalone;

// One binary, two ways to run (docs/architecture.md): under the Azure Functions host as a custom handler, or as the
// whole pipeline on one machine. The host sets FUNCTIONS_CUSTOMHANDLER_PORT (older hosts FUNCTIONS_HTTPWORKER_PORT);
// Connector:Mode can force either.
// Under the host the working directory is the app root, not the handler's folder: the content root (appsettings.json)
// is the handler's own folder then (HandlerContentRoot).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = HandlerContentRoot.For(args, Environment.GetEnvironmentVariable),
});
if (ReplayCommand.IsReplay(args))
{
    // `OutreachFunctions replay …`: re-queue failed updates from the failure ledger, with the app's own settings.
    return await ReplayCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error);
}

if (ProbeCommand.IsProbe(args))
{
    // `OutreachFunctions probe-outreach --prospect-id N`: confirm on one test prospect what the org accepts (docs/probe.md).
    return await ProbeCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error);
}

var mode = ConnectorModeSelection.Resolve(builder.Configuration);

if (mode == ConnectorMode.Standalone)
{
    // Standalone refuses to start on a bad setting, with the list of settings to fix and no stack trace: the host's own
    // "Hosting failed to start" entry (the exception with its stack) is left out; a failure that is not about settings
    // is rethrown below and keeps its stack trace.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    WebApplication standalone;
    try
    {
        standalone = StandaloneApp.Build(builder);
    }
    catch (SettingsRefusedException ex)
    {
        return CannotStart(mode, ex.Problems);
    }
    catch (InvalidOperationException ex)
    {
        return CannotStart(mode, [SettingsProblems.FromMessage(ex.Message)]);
    }

    try
    {
        await standalone.RunAsync();
        return 0;
    }
    catch (Exception ex) when (SettingsProblems.FromException(ex) is { Count: > 0 } problems)
    {
        return CannotStart(mode, problems);
    }
}

// In Functions mode only a missing or invalid port stops the handler (the host always sets it); a bad setting does
// not: the handler listens and answers every function with the settings to fix (FunctionsApp).
WebApplication functions;
try
{
    functions = FunctionsApp.Build(builder);
}
catch (InvalidOperationException ex)
{
    return CannotStart(mode, [SettingsProblems.FromMessage(ex.Message)]);
}

await functions.RunAsync();
return 0;

static int CannotStart(ConnectorMode mode, IReadOnlyList<SettingsProblem> problems)
{
    Console.Error.WriteLine($"The connector cannot start in {mode} mode; fix these settings:");
    foreach (var line in SettingsProblems.AsLines(problems))
    {
        Console.Error.WriteLine(line);
    }

    return 2;
}
