using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Checkpoint.Tests.Packaging;

/// <summary>
/// The NuGet metadata every package gets from Directory.Build.props: packs the core project (already built with this
/// test assembly, so <c>--no-build</c>: a few seconds) into a temp folder and reads the .nuspec inside the .nupkg.
/// The whole solution is packed by <c>scripts/pack.sh</c>, not here (too slow for a test).
/// </summary>
public sealed class PackageMetadataTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task CorePackageHasLicenseReadmeRepositoryAndDescription()
    {
        var output = Directory.CreateTempSubdirectory("checkpoint-pack-");
        try
        {
            var project = Path.Combine(RepositoryRoot.Path, "src", "Checkpoint", "Checkpoint.csproj");
            var (code, log) = await RunAsync("dotnet", "pack", project, "-c", Configuration, "--no-build", "-nologo",
                "-o", output.FullName, $"-p:NuspecOutputPath={Path.Combine(output.FullName, "nuspec")}{Path.DirectorySeparatorChar}");
            Assert.True(code == 0, $"dotnet pack exited with {code}:\n{log}");

            var package = Assert.Single(output.GetFiles("Checkpoint.*.nupkg"));
            using var zip = ZipFile.OpenRead(package.FullName);
            var nuspecEntry = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            XDocument nuspec;
            await using (var stream = nuspecEntry.Open())
            {
                nuspec = await XDocument.LoadAsync(stream, LoadOptions.None, CancellationToken.None);
            }

            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

            Assert.Equal("Checkpoint", Value("id"));
            Assert.Matches(@"^\d+\.\d+\.\d+", Value("version"));
            Assert.Equal(ProjectDescription(project), Value("description"));
            Assert.False(string.IsNullOrWhiteSpace(Value("authors")));
            Assert.Contains("checkpoint", Value("tags").Split(' '));

            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);

            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.StartsWith("https://", repository.Attribute("url")?.Value, StringComparison.Ordinal);

            Assert.Equal("README.md", Value("readme"));
            Assert.Contains(zip.Entries, e => e.FullName == "README.md" && e.Length > 0);
            Assert.Contains(zip.Entries, e => e.FullName == "LICENSE" && e.Length > 0);
            // Both targets: .NET 10 and the LTS, .NET 8 (LibraryTargetFrameworks in Directory.Build.props).
            foreach (var framework in new[] { "net8.0", "net10.0" })
            {
                Assert.Contains(zip.Entries, e => e.FullName == $"lib/{framework}/Checkpoint.dll");
                Assert.Contains(zip.Entries, e => e.FullName == $"lib/{framework}/Checkpoint.xml");
            }

            Assert.Equal(["net10.0", "net8.0"], zip.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal))
                .Select(e => e.FullName.Split('/')[1]).Distinct().Order(StringComparer.Ordinal));
            var dependencyGroups = metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements()
                .Select(group => group.Attribute("targetFramework")?.Value).Order(StringComparer.Ordinal);
            Assert.Equal(["net10.0", "net8.0"], dependencyGroups);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void EveryLibraryHasADescriptionAndNothingElseIsPackable()
    {
        var root = RepositoryRoot.Path;
        var libraries = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(libraries);
        foreach (var project in libraries)
        {
            // Without a Description NuGet writes "Package Description"; an IsPackable=false library would be missing from the feed.
            Assert.False(string.IsNullOrWhiteSpace(ProjectDescription(project)), $"{project} has no <Description>.");
            Assert.NotEqual("false", ProjectProperty(project, "IsPackable"));
        }

        var others = new[] { "tests", "examples", "benchmarks" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !IsBuildOutput(p));
        Assert.All(others, project => Assert.Equal("false", ProjectProperty(project, "IsPackable")));
    }

    // Generated projects (the Functions worker's WorkerExtensions.csproj, BenchmarkDotNet's) live under bin/ and obj/.
    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    private static string ProjectDescription(string project) => ProjectProperty(project, "Description") ?? "";

    private static string? ProjectProperty(string project, string name) =>
        XDocument.Load(project).Descendants(name).FirstOrDefault()?.Value.Trim();

    private static async Task<(int Code, string Log)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
