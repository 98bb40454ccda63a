namespace SharedMemory;

/// <summary>
/// Runs the shared-memory demo (no arguments, or a folder), or one agent process of it (<c>agent &lt;name&gt; &lt;database&gt;</c>,
/// started by the demo).
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [AgentProcess.Command, var name, var database])
        {
            return await AgentProcess.RunAsync(name, database, Console.In, Console.Out);
        }

        var directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"checkpoint-shared-memory-{Guid.NewGuid():N}");
        Console.WriteLine($"Checkpoint shared memory: two agent processes on {Path.Combine(directory, SharedMemoryDemo.DatabaseName)}");
        await SharedMemoryDemo.RunAsync(Console.Out, directory);
        return 0;
    }
}
