namespace Outreach.Testing;

/// <summary>Finds the repository root (the folder holding OutreachFunctions.sln) from a test's output folder.</summary>
public static class RepositoryRoot
{
    /// <summary>The absolute path of the repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OutreachFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OutreachFunctions.sln above {AppContext.BaseDirectory}.");
    }
}
