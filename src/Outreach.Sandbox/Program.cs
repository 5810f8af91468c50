using Outreach.Sandbox;

// One command: dotnet run --project src/Outreach.Sandbox [-- --urls http://127.0.0.1:PORT]
var app = SandboxApp.CreateFromArgs(args);
await app.RunAsync();
