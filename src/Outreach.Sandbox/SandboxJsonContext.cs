using System.Text.Json;
using System.Text.Json.Serialization;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Faults;
using Outreach.Sandbox.OAuth;

namespace Outreach.Sandbox;

/// <summary>Source-generated JSON metadata for every type the sandbox reads or writes (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ApiErrorDocument))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(FaultSettings))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<RequestLogEntry>))]
[JsonSerializable(typeof(SandboxCounters))]
[JsonSerializable(typeof(Batches.BulkCounters))]
[JsonSerializable(typeof(Imports.ImportCounters))]
[JsonSerializable(typeof(RevokeResult))]
// Prospect creation and sequences (issues 21 and 22).
[JsonSerializable(typeof(IReadOnlyList<Prospects.EmailCreations>))]
[JsonSerializable(typeof(IReadOnlyList<Sequences.EnrolmentCount>))]
[JsonSerializable(typeof(Configuration.SandboxSequence))]
[JsonSerializable(typeof(Configuration.SandboxMailbox))]
[JsonSerializable(typeof(IReadOnlyList<Configuration.SandboxSequence>))]
[JsonSerializable(typeof(IReadOnlyList<Configuration.SandboxMailbox>))]
public sealed partial class SandboxJsonContext : JsonSerializerContext;
