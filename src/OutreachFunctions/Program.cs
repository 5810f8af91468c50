using OutreachFunctions.Hosting;
using OutreachFunctions.Standalone;

// One binary, two ways to run (ARCHITECTURE.md): under the Azure Functions host as a custom handler, or as the
// whole pipeline on one machine. The host sets FUNCTIONS_CUSTOMHANDLER_PORT; Connector:Mode can force either.
var builder = WebApplication.CreateBuilder(args);
var mode = builder.Configuration.GetValue<ConnectorMode?>("Connector:Mode")
    ?? (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is null ? ConnectorMode.Standalone : ConnectorMode.Functions);

if (mode == ConnectorMode.Functions)
{
    Console.Error.WriteLine("Functions mode is not implemented yet; run with Connector__Mode=Standalone.");
    return 2;
}

await StandaloneApp.Build(builder).RunAsync();
return 0;
