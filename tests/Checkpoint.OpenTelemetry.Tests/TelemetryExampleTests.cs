using TelemetryExample;

namespace Checkpoint.OpenTelemetry.Tests;

/// <summary>Runs examples/Telemetry and reads what OpenTelemetry's console exporter printed.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class TelemetryExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-telemetry-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_example_prints_the_spans_of_its_run_and_the_metrics()
    {
        var console = Console.Out;
        using var output = new StringWriter();
        ResearchState state;
        Console.SetOut(output);
        try
        {
            state = await TelemetryDemo.RunAsync(Path.Combine(_directory, "telemetry.db"));
        }
        finally
        {
            Console.SetOut(console);
        }

        var text = output.ToString();
        Assert.Equal("42 (from 3 notes)", state.Answer);
        foreach (var span in new[]
        {
            CheckpointTelemetry.RunSpan, CheckpointTelemetry.StepSpan, CheckpointTelemetry.NodeSpan, CheckpointTelemetry.SaverGetSpan,
            CheckpointTelemetry.SaverPutSpan, CheckpointTelemetry.SaverPutWritesSpan,
        })
        {
            Assert.Contains($"Activity.DisplayName:        {span}\n", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal(3, CountOf(text, "Activity.DisplayName:        checkpoint.step"));
        Assert.Equal(4, CountOf(text, "Activity.DisplayName:        checkpoint.node"));
        Assert.Contains("checkpoint.thread_id: telemetry-demo", text, StringComparison.Ordinal);
        Assert.Contains("checkpoint.saver: SqliteCheckpointSaver", text, StringComparison.Ordinal);
        Assert.Contains("checkpoint.node: calculate", text, StringComparison.Ordinal);
        Assert.Contains($"Metric Name: {CheckpointTelemetry.SaverDurationHistogram}", text, StringComparison.Ordinal);
        Assert.Contains($"Metric Name: {CheckpointTelemetry.StepDurationHistogram}", text, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
