using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Outreach.LocalRun;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Standalone;

// Starts the whole pipeline on this machine: Azurite (pinned in package-lock.json), the Outreach sandbox, and the
// standalone connector, then connects the connector to the sandbox through the real OAuth flow. Ctrl+C stops all.
var options = LocalRunOptions.Parse(args, RepositoryRoot.Path);
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

Console.WriteLine("Starting Azurite…");
await using var azurite = await AzuriteServer.StartAsync();
Console.WriteLine($"Starting the Outreach sandbox on {options.SandboxUrl}…");
await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions(), url: options.SandboxUrl);

// A fresh secret per run: nothing to configure, nothing to leak into the repository.
var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
Directory.CreateDirectory(options.StateFolder);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(options.ConnectorUrl.ToString());
var settings = SandboxConnectorSettings.Create(
    azurite.ConnectionString, sandbox, options.ConnectorUrl, secret, Path.Combine(options.StateFolder, "tokens"), namePrefix: "outreach");
settings["Mapping:File"] = options.MappingFile;
settings["Logging:LogLevel:Default"] = "Information";
settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning";

// The console exporter prints every metric every minute, which buries the walkthrough; the status page shows the
// numbers. `Monitoring__Exporter=Console bash eng/run-local.sh` brings the raw telemetry back.
settings["Monitoring:Exporter"] = builder.Configuration["Monitoring:Exporter"] ?? "None";
builder.Configuration.AddInMemoryCollection(settings);
Console.WriteLine($"Starting the connector on {options.ConnectorUrl}…");
await using var connector = StandaloneApp.Build(builder);
await connector.StartAsync(stop.Token);

Console.WriteLine("Connecting the connector to the sandbox through the OAuth authorization-code flow…");
await ConnectorAuthorization.ConnectAsync(options.ConnectorUrl, secret, sandbox, stop.Token);

var root = RepositoryRoot.Path;
Console.WriteLine($"""

    Ready: the connector is connected to the Outreach sandbox. Try it (from {root}):
      curl -s -X POST {options.ConnectorUrl}api/profiles -H "Authorization: Bearer {secret}" -H "Content-Type: application/json" --data @samples/exports/single-profile.json
      sleep 2; curl -s {options.SandboxUrl}/admin/prospects/1
      → prospect 1 now has firstName "Ada", lastName "Lovelace", custom1 "realized" and custom2 "exited".

    Connector status: {options.ConnectorUrl}api/status?key={secret}   Sandbox faults: {options.SandboxUrl}/admin/faults
    Ctrl+C stops everything (Azurite runs in memory: the queue and state go with it).
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
