namespace QuickStart;

/// <summary>Runs the quick-start tour on a SQLite file (the first argument, or a new temporary file).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var databasePath = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"checkpoint-quickstart-{Guid.NewGuid():N}.db");
        Console.WriteLine($"Checkpoint quick start, SQLite file: {databasePath}");
        await QuickStartDemo.RunAsync(Console.Out, databasePath);
        return 0;
    }
}
