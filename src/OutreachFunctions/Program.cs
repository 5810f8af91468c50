using OutreachFunctions.Functions;
using OutreachFunctions.Hosting;
using OutreachFunctions.Monitoring;
using OutreachFunctions.Standalone;

// One binary, two ways to run (ARCHITECTURE.md): under the Azure Functions host as a custom handler, or as the
// whole pipeline on one machine. The host sets FUNCTIONS_CUSTOMHANDLER_PORT (older hosts FUNCTIONS_HTTPWORKER_PORT);
// Connector:Mode can force either.
var builder = WebApplication.CreateBuilder(args);
if (ReplayCommand.IsReplay(args))
{
    // `OutreachFunctions replay …`: re-queue failed updates from the failure ledger, with the app's own settings.
    return await ReplayCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error);
}

var mode = builder.Configuration.GetValue<ConnectorMode?>("Connector:Mode")
    ?? (HandlerPort.IsSet(builder.Configuration) ? ConnectorMode.Functions : ConnectorMode.Standalone);

if (mode == ConnectorMode.Standalone)
{
    // The host logs a failed start with its stack trace before rethrowing; settings problems are printed below as a
    // list instead, and any other failure still ends with the runtime's unhandled-exception trace.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    try
    {
        await StandaloneApp.Build(builder).RunAsync();
        return 0;
    }
    catch (Exception ex) when (SettingsProblems.From(ex) is { Count: > 0 } problems)
    {
        return SettingsProblems.Report("The connector cannot start; fix these settings:", problems, Console.Error);
    }
}

// The host logs the handler's output: a configuration problem is printed as the list of settings to fix rather than a
// stack trace, and the exit code tells the host the handler cannot run.
WebApplication functions;
try
{
    functions = FunctionsApp.Build(builder);
}
catch (InvalidOperationException ex)
{
    return CannotStart([ex.Message]);
}

try
{
    await functions.RunAsync();
    return 0;
}
catch (Exception ex) when (SettingsProblems.From(ex) is { Count: > 0 } problems)
{
    return CannotStart(problems);
}

static int CannotStart(IEnumerable<string> problems) =>
    SettingsProblems.Report("The connector cannot start in Functions mode; fix these settings:", problems, Console.Error);
