using System.Diagnostics;
using Outreach.Testing;

namespace OutreachFunctions.Tests.Repository;

// eng/repository-checks.sh, the first step of eng/test.sh: run on small git repositories built here, and on this one.
public sealed class RepositoryChecksTests : IDisposable
{
    // Built from parts so that this file does not trip the check it tests.
    private static readonly string OutsideNotes = "../" + "shared/reference/outreach-api.md";

    private readonly string _repository = Directory.CreateTempSubdirectory("repository-checks-").FullName;

    [Fact]
    public void This_repository_passes()
    {
        var (exitCode, output) = Run(RepositoryRoot.Path);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void Folders_that_differ_only_by_case_fail_and_are_named()
    {
        Track("src/App/Functions/Ingest.cs", "class Ingest {}");
        Track("src/App/functions/Ingest/function.json", "{}");

        var (exitCode, output) = RunOnScratchRepository();

        Assert.Equal(1, exitCode);
        Assert.Contains("src/App/Functions", output, StringComparison.Ordinal);
        Assert.Contains("src/App/functions", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_points_outside_the_repository_fails_and_is_named()
    {
        Track("docs/notes.md", $"See {OutsideNotes} for the facts.");

        var (exitCode, output) = RunOnScratchRepository();

        Assert.Equal(1, exitCode);
        Assert.Contains("docs/notes.md", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_paths_pass()
    {
        Track("src/App/Functions/Ingest.cs", "class Ingest {}");
        Track("src/App/function-definitions/Ingest/function.json", "{}");
        Track("docs/notes.md", "See docs/reference/outreach-api.md for the facts.");

        var (exitCode, output) = RunOnScratchRepository();

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void A_trace_whose_count_or_files_do_not_match_the_tree_fails_and_says_why()
    {
        Track("src/App/Ingest.cs", "class Ingest {}");
        Track("src/App/Deliver.cs", "class Deliver {}");
        Track("docs/architecture.md", string.Join('\n',
            "<!-- trace:standalone files=3 -->",
            "1. `src/App/Ingest.cs`: in.",
            "2. `src/App/Deliver.cs`: out.",
            "3. `src/App/Gone.cs`: renamed since.",
            "<!-- /trace -->",
            ""));
        Track("eng/check-trace.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "eng", "check-trace.sh")));

        var (exitCode, output) = RunOnScratchRepository();

        Assert.Equal(1, exitCode);
        Assert.Contains("names src/App/Gone.cs, which is not a tracked file", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_that_matches_the_tree_passes()
    {
        Track("src/App/Ingest.cs", "class Ingest {}");
        Track("docs/architecture.md", "<!-- trace:standalone files=1 -->\n1. `src/App/Ingest.cs`: in.\n<!-- /trace -->\n");
        Track("eng/check-trace.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "eng", "check-trace.sh")));

        var (exitCode, output) = RunOnScratchRepository();

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void A_class_with_more_than_eight_constructor_dependencies_fails_and_says_which()
    {
        Track("src/App/Wide.cs", string.Join('\n',
            "// a comment (with, commas, in, it, that, are, not, parameters)",
            "internal sealed class Wide(IA a, IB b, IC c, ID d, IE e, IF f, IG g, Func<int, string> h, ILogger<Wide>? i = null)",
            "{",
            "}",
            ""));
        Track("eng/check-constructor-dependencies.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "eng", "check-constructor-dependencies.sh")));

        var (exitCode, output) = RunOnScratchRepository();

        Assert.Equal(1, exitCode);
        Assert.Contains("Wide has 9 constructor dependencies", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eight_constructor_dependencies_and_data_records_pass()
    {
        Track("src/App/Narrow.cs", string.Join('\n',
            "public sealed class Narrow",
            "{",
            "    public Narrow(IA a, IB b, IC c, ID d, IE e, IF f, Dictionary<string, int> g, string h = \"x, y\")",
            "    {",
            "    }",
            "}",
            "",
            "public sealed record Row(int A, int B, int C, int D, int E, int F, int G, int H, int I, int J);",
            ""));
        Track("eng/check-constructor-dependencies.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "eng", "check-constructor-dependencies.sh")));

        var (exitCode, output) = RunOnScratchRepository();

        Assert.True(exitCode == 0, output);
    }

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    private void Track(string path, string content)
    {
        var full = Path.Combine(_repository, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private (int ExitCode, string Output) RunOnScratchRepository()
    {
        Track("eng/repository-checks.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "eng", "repository-checks.sh")));
        Assert.Equal(0, Execute(_repository, "git", "init", "--quiet").ExitCode);
        Assert.Equal(0, Execute(_repository, "git", "add", "--all").ExitCode);
        return Run(_repository);
    }

    private static (int ExitCode, string Output) Run(string repository) =>
        Execute(repository, "bash", Path.Combine(repository, "eng", "repository-checks.sh"));

    private static (int ExitCode, string Output) Execute(string workingDirectory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, standardOutput.Result + standardError.Result);
    }
}
