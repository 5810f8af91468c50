using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Outreach.LocalRun;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Hosting;
using OutreachFunctions.Standalone;

// Starts the whole pipeline on this machine: Azurite (pinned in package-lock.json) keeping its data under the state
// folder, the Outreach sandbox, and the standalone connector, then connects the connector to the sandbox through the
// real OAuth flow. Ctrl+C stops all. Exit codes: 0 stopped or --help, 2 bad arguments, a busy port or a
// setting to fix.
// eng/run-local.sh runs from the repository root and says where it was called from, so relative paths mean what the user typed.
var callerDirectory = Environment.GetEnvironmentVariable("LOCAL_RUN_CALLER_DIR") ?? Environment.CurrentDirectory;
var options = CommandLine.Parse(args, RepositoryRoot.Path, callerDirectory, out var problem, out var help);
if (help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (options is null)
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (BusyPort.Find(options) is { } busy)
{
    Console.Error.WriteLine(busy);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// SIGTERM (a supervisor, `timeout`, `kill`) stops everything as cleanly as Ctrl+C does.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

Directory.CreateDirectory(options.StateFolder);
var secret = IngestSecretFile.LoadOrCreate(options.SecretFile, options.NewSecret);

// On disk, so a crash or kill -9 keeps every update the connector answered 202; Azurite ends with this process.
Console.WriteLine($"Starting Azurite (data in {options.AzuriteFolder})…");
await using var azurite = await AzuriteServer.StartAsync(options.AzuriteFolder, [options.ConnectorPort, options.SandboxPort]);

Console.WriteLine($"Starting the Outreach sandbox on {options.SandboxUrl} with {options.SandboxProspects} prospects…");
var sandboxOptions = new SandboxOptions
{
    Prospects = { SeedCount = options.SandboxProspects, DuplicateEmailEvery = options.SandboxDuplicateEmailEvery },
};
SandboxServer sandbox;
try
{
    sandbox = await SandboxServer.StartAsync(sandboxOptions, url: options.SandboxUrl);
}
catch (IOException ex) when (ex.InnerException is AddressInUseException)
{
    // Taken between the check and now.
    Console.Error.WriteLine(BusyPort.Message(options.SandboxPort, "--sandbox-port"));
    return 2;
}

await using var sandboxLifetime = sandbox;
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(options.ConnectorUrl.ToString());
var settings = SandboxConnectorSettings.Create(
    azurite.ConnectionString, sandbox, options.ConnectorUrl, secret, options.TokenFolder, namePrefix: "outreach");
settings["Mapping:File"] = options.MappingFile;
settings["Logging:LogLevel:Default"] = "Information";
settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning";

// The console exporter prints every metric every minute, which buries the walkthrough; the status page shows the
// numbers. `Monitoring__Exporter=Console bash eng/run-local.sh` brings the raw telemetry back.
settings["Monitoring:Exporter"] = "None";
builder.Configuration.AddInMemoryCollection(settings);

// Environment variables (Section__Key) come last so they override the defaults above, e.g. Drain__Enabled=false.
builder.Configuration.AddEnvironmentVariables();
Console.WriteLine($"Starting the connector on {options.ConnectorUrl} with the mapping {options.MappingFile}…");
WebApplication built;
try
{
    built = StandaloneApp.Build(builder);
}
catch (SettingsRefusedException refused)
{
    // A bad mapping or setting: the connector's own list of what to fix, no stack trace.
    Console.Error.WriteLine("The connector cannot start; fix these settings:");
    foreach (var line in SettingsProblems.AsLines(refused.Problems))
    {
        Console.Error.WriteLine(line);
    }

    return 2;
}

await using var connector = built;
try
{
    await connector.StartAsync(stop.Token);
}
catch (IOException ex) when (ex.InnerException is AddressInUseException)
{
    Console.Error.WriteLine(BusyPort.Message(options.ConnectorPort, "--connector-port"));
    return 2;
}

// The sandbox starts afresh on every run, so the kept tokens mean nothing to it: connect again.
Console.WriteLine("Connecting the connector to the sandbox through the OAuth authorization-code flow…");
await ConnectorAuthorization.ConnectAsync(options.ConnectorUrl, secret, sandbox, stop.Token);

var root = RepositoryRoot.Path;
var walkthrough = Walkthrough.For(options.MappingFile, root);
var key = Uri.EscapeDataString(secret);
Console.WriteLine($"""

    Ready: the connector is connected to the Outreach sandbox.
      Mapping:  {options.MappingFile}
      Connect:  {options.ConnectorUrl}api/oauth/connect?key={key}
                (re-authorization: open it in a browser, sign in as {sandbox.UserEmail} / {sandbox.UserPassword})
      Status:   {options.ConnectorUrl}api/status?key={key}
      Sandbox:  {options.SandboxUrl}/admin/prospects/1 (faults: {options.SandboxUrl}/admin/faults)
      State:    {options.StateFolder} (queue, tables, tokens and the ingest secret; --new-secret replaces the secret)

    Try it (from {root}):
      curl -s -X POST {options.ConnectorUrl}api/profiles -H "Authorization: Bearer {secret}" -H "Content-Type: application/json" --data @{walkthrough.ExportFile}
      sleep 2; curl -s {options.SandboxUrl}{walkthrough.CheckPath}
      → {walkthrough.Outcome}

    Ctrl+C stops everything. What the connector accepted stays queued in {options.StateFolder} for the next run;
    the sandbox starts afresh every run.
    """);

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping…");
}

await connector.StopAsync(CancellationToken.None);
return 0;
