namespace Checkpoint.Tests.Packaging;

/// <summary>The repository's root directory (where Checkpoint.sln is), found from the test assembly's folder.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Checkpoint.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Checkpoint.sln above {AppContext.BaseDirectory}.");
    }
}
