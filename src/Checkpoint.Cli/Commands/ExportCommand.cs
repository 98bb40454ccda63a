using System.CommandLine;
using Checkpoint.Cli.Decoding;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt export THREAD</c>: the thread as portable JSON lines (see <see cref="ExportFormat"/>).</summary>
internal static class ExportCommand
{
    public static Command Create(CommandContext context)
    {
        var thread = new Argument<string>("thread") { Description = "The thread id." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Export a thread as JSON lines that 'ckpt import' reads into any saver.") { thread, output };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var threadId = session.Parse.GetValue(thread)!;
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var tuples = await Lookups.ThreadAsync(saver, threadId, cancellationToken).ConfigureAwait(false);
            var file = session.Parse.GetValue(output);
            var writer = file is null ? null : new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false));
            await using (writer)
            {
                void Emit(string line)
                {
                    if (writer is null)
                    {
                        session.WriteRaw(line);
                    }
                    else
                    {
                        writer.WriteLine(line);
                    }
                }

                Emit(ExportFormat.Header(threadId, tuples.Count).ToJsonString(CheckpointJson.Compact));
                var emitted = new HashSet<(string, Guid, int)>();
                var chunkCount = 0;
                foreach (var tuple in tuples)
                {
                    var record = tuple.Checkpoint;
                    var runs = record.Channels.Values.SelectMany(c => c.Runs).ToList();
                    var chunks = (await saver.ReadChunksAsync(record.ThreadId, record.Namespace, runs, cancellationToken).ConfigureAwait(false))
                        .Where(chunk => emitted.Add((record.Namespace, chunk.BlobId, chunk.Sequence)))
                        .ToList();
                    chunkCount += chunks.Count;
                    Emit(ExportFormat.Line(tuple, chunks).ToJsonString(CheckpointJson.Compact));
                }

                if (file is not null)
                {
                    session.Console.MarkupLine(
                        $"Exported thread [bold]{Markup.Escape(threadId)}[/]: {tuples.Count} checkpoints, {chunkCount} chunks to {Markup.Escape(file.FullName)}.");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
