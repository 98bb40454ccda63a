using QuickStart;

namespace Checkpoint.Tests;

public sealed class QuickStartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-quickstart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_tour_runs_interrupts_resumes_reads_the_past_and_forks()
    {
        using var output = new StringWriter();

        await QuickStartDemo.RunAsync(output, Path.Combine(_directory, "tour.db"));

        var text = output.ToString();
        Assert.Contains("question: Run the calculator on 6*7?", text);
        Assert.Contains("assistant: 6*7 = 42", text);
        Assert.Contains("step -1 Input  next=[agent] messages=1", text);
        Assert.Contains("assistant: 6*8 = 48", text);
        var original = text[text.IndexOf("6. The original branch", StringComparison.Ordinal)..];
        Assert.Contains("6*7 = 42", original);
        Assert.DoesNotContain("48", original);
    }

    [Fact]
    public async Task The_readme_quick_start_runs()
    {
        var state = await ReadmeQuickStart.RunAsync(Path.Combine(_directory, "readme.db"));
        Assert.Equal("6*7 = 42", state.Messages[^1].Content);
        Assert.True(state.Done);
    }

    [Fact]
    public void The_readme_shows_exactly_the_compiled_quick_start()
    {
        var root = RepositoryRoot();
        var source = File.ReadAllLines(Path.Combine(root, "examples", "QuickStart", "ReadmeQuickStart.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README-BEGIN");
        var end = Array.FindIndex(source, l => l.Trim() == "// README-END");
        var compiled = source[(begin + 1)..end].Select(l => l.Trim()).ToList();

        var readme = File.ReadAllText(Path.Combine(root, "README.md"));

        Assert.True(compiled.Count >= 5);
        Assert.Contains(string.Join("\n", compiled), readme.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_readme_shows_the_quick_start_graphs_drawing()
    {
        await using var saver = new Checkpoint.Storage.InMemoryCheckpointSaver();
        var drawing = ChatAgent.Build(saver).ToMermaid();

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Contains("```mermaid\n" + drawing + "```", readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Checkpoint.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Checkpoint.sln not found above the test directory.");
    }
}
