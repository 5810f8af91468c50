using Outreach.Testing;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>Golden files: envelopes built as docs/reference/functions-host.md §2 shows, and the answers expected to them.</summary>
public static class Golden
{
    /// <summary>The folder the golden files are copied to.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Functions", "Golden");

    /// <summary>The text of a golden file, e.g. <c>Read("Ingest", "batch-of-ten.request.json")</c>.</summary>
    public static string Read(params string[] path) => File.ReadAllText(Path.Combine([Folder, .. path]));

    /// <summary>The text of a sample export from the repository's samples/exports.</summary>
    public static string Sample(string name) => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", name));
}
