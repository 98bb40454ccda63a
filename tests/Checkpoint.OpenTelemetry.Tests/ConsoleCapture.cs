namespace Checkpoint.OpenTelemetry.Tests;

/// <summary>The tests that swap <see cref="Console.Out"/> or listen to every span run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "console and global listeners";
}
