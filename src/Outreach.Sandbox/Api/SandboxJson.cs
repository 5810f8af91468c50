using System.Text.Encodings.Web;
using System.Text.Json;

namespace Outreach.Sandbox.Api;

/// <summary>The JSON settings the sandbox writes with: source-generated, and without escaping quotes and '+' (as Outreach's Rails answers read).</summary>
internal static class SandboxJson
{
    /// <summary>Immutable once built; shared by every response.</summary>
    public static readonly SandboxJsonContext Context = new(new JsonSerializerOptions(SandboxJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
