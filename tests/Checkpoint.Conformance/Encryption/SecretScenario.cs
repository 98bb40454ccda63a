using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Encryption;

/// <summary>State whose every kind of stored value carries a marker string.</summary>
public sealed class SecretState
{
    [Append]
    public List<string> Log { get; set; } = [];

    /// <summary>Small: stored inside the checkpoint record.</summary>
    public string Small { get; set; } = "";

    /// <summary>Large: stored as a blob chunk.</summary>
    public string Large { get; set; } = "";

    public string Answer { get; set; } = "";
}

/// <summary>
/// A run that stores a marker in every place user data can reach storage: an inline value, a blob,
/// [Append] items, a pending write of a finished task, an interrupt value, a resume value, an error
/// message, a metadata value and a Send's argument (stored in the checkpoint record). Scanning raw storage for the markers shows what is in plaintext.
/// </summary>
public static class SecretScenario
{
    public const string Small = "SMALLv3k9q8w7e";
    public const string Large = "LARGEp0o9i8u7y";
    public const string LogItem = "LOGITm1n2b3v4c";
    public const string InterruptValue = "INTRPx5z6a7s8d";
    public const string ResumeValue = "RESUMf4g5h6j7k";
    public const string ErrorMessage = "ERRORl8k9j0h1g";
    public const string MetadataValue = "METADq2w3e4r5t";
    public const string SendArgument = "SENDAr6t7y8u9i";

    // No two markers share 4 bytes, so LZ4 cannot turn part of one into a reference to another.
    public static IReadOnlyList<string> Markers { get; } =
        [Small, Large, LogItem, InterruptValue, ResumeValue, ErrorMessage, MetadataValue, SendArgument];

    public static byte[] Key { get; } = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static CheckpointSerializer Encrypting(bool readLegacyBlobs = false) =>
        new(new SerializerOptions { EncryptionKey = Key, ReadLegacyBlobs = readLegacyBlobs });

    /// <summary>
    /// "write" and "ask" run in one step; "ask" interrupts, so "write"'s finished update is saved as a
    /// pending write; the resume completes the run.
    /// </summary>
    public static CompiledGraph<SecretState> Graph(CheckpointSaver saver) =>
        new StateGraph<SecretState>()
            .AddNode("write", _ => new Update<SecretState>()
                .Set(s => s.Small, Small)
                .Set(s => s.Large, Large + new string('.', 600))
                .Set(s => s.Log, [LogItem]))
            .AddNode("ask", (_, context) =>
            {
                var answer = context.Interrupt<string>(InterruptValue);
                return Task.FromResult(new Update<SecretState>().Set(s => s.Answer, answer));
            })
            .AddNode<string>("echo", (_, argument) => new Update<SecretState>())
            .AddEdge(Checkpoint.Graph.Start, "write")
            .AddEdge(Checkpoint.Graph.Start, "ask")
            .AddConditionalEdges(Checkpoint.Graph.Start, _ => [new Send("echo", SendArgument)], ["echo"])
            .AddEdge("echo", Checkpoint.Graph.End)
            .AddEdge("write", Checkpoint.Graph.End)
            .AddEdge("ask", Checkpoint.Graph.End)
            .Compile(saver);

    public static RunConfig Run(string threadId) =>
        RunConfig.ForThread(threadId) with { Metadata = new Dictionary<string, string> { ["owner"] = MetadataValue } };

    /// <summary>Runs the scenario on <paramref name="threadId"/> and checks what it reads back.</summary>
    public static async Task<SecretState> RunAsync(CheckpointSaver saver, string threadId, Func<Task>? whilePaused = null)
    {
        var graph = Graph(saver);
        var run = Run(threadId);
        await graph.InvokeAsync(new SecretState(), run);

        var paused = await graph.GetStateAsync(run);
        var interrupt = Assert.Single(paused!.Interrupts);
        Assert.Equal(InterruptValue, interrupt.GetValue<string>());
        if (whilePaused is not null)
        {
            await whilePaused();
        }

        var done = await graph.InvokeAsync(Command.Resume(ResumeValue), run);
        Assert.Equal(ResumeValue, done.Answer);
        await FailAsync(saver, threadId + "-failed");
        return done;
    }

    /// <summary>A node fails: its error message is stored as a pending write.</summary>
    private static async Task FailAsync(CheckpointSaver saver, string threadId)
    {
        var graph = new StateGraph<SecretState>()
            .AddNode("fail", Update<SecretState> (_) => throw new InvalidOperationException(ErrorMessage))
            .AddEdge(Checkpoint.Graph.Start, "fail")
            .AddEdge("fail", Checkpoint.Graph.End)
            .Compile(saver);
        var run = Run(threadId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(new SecretState(), run));
        var snapshot = await graph.GetStateAsync(run);
        Assert.Contains(ErrorMessage, Assert.Single(snapshot!.Tasks).Error, StringComparison.Ordinal);
    }

    /// <summary>The markers found in <paramref name="stored"/> (UTF-8, as MessagePack and JSON store them).</summary>
    public static List<string> FindMarkers(IEnumerable<byte[]> stored)
    {
        var all = stored.ToList();
        return Markers.Where(marker =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(marker);
            return all.Any(data => data.AsSpan().IndexOf(bytes) >= 0);
        }).ToList();
    }
}
