namespace Infra.Tests;

/// <summary>Finds the repository root: the first directory above the test assembly that holds OutreachFunctions.sln.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "OutreachFunctions.sln";

    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No directory above {AppContext.BaseDirectory} contains {SolutionFile}; run the tests from a clone of the repository.");
    }
}
