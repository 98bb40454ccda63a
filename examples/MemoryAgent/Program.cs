namespace MemoryAgent;

/// <summary>Runs the memory demo in a folder (the first argument, or a new temporary folder).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"checkpoint-memory-agent-{Guid.NewGuid():N}");
        Console.WriteLine($"Checkpoint memory agent, folder: {directory}");
        await MemoryAgentDemo.RunAsync(Console.Out, directory);
        return 0;
    }
}
