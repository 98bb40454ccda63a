using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkpoint.Cli.Decoding;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary>
/// <c>ckpt import FILE</c>: writes an export into the <c>--db</c> saver (creating the database if needed), with the
/// same ids, parents, metadata, chunks and writes. The thread must not exist there yet.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "A file written by 'ckpt export'." };
        var command = new Command("import", "Import a thread exported by 'ckpt export' into the --db saver.") { file };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var path = session.Parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw CliException.NotFound($"No export file at '{path.FullName}'.");
            }

            var lines = await File.ReadAllLinesAsync(path.FullName, cancellationToken).ConfigureAwait(false);
            var header = Parse(lines, 0, path) ?? throw CliException.NotFound($"'{path.FullName}' is empty: not a ckpt export.");
            if (header["format"]?.GetValue<string>() != ExportFormat.Name || header["version"]?.GetValue<int>() != ExportFormat.Version)
            {
                throw CliException.NotFound($"'{path.FullName}' is not a ckpt export (version {ExportFormat.Version}): its first line has no \"format\": \"{ExportFormat.Name}\".");
            }

            var threadId = header["thread"]!.GetValue<string>();
            await using var saver = await session.OpenAsync(cancellationToken, create: true).ConfigureAwait(false);
            await foreach (var _ in saver.ListAsync(new CheckpointFilter { ThreadId = threadId, Limit = 1 }, cancellationToken).ConfigureAwait(false))
            {
                throw CliException.NotFound($"Thread '{threadId}' already exists in {session.Connection.Description}: delete it first, or import elsewhere.");
            }

            int checkpoints = 0, chunks = 0, writes = 0;
            for (var i = 1; i < lines.Length; i++)
            {
                if (Parse(lines, i, path) is not { } line)
                {
                    continue;
                }

                (CheckpointRecord Record, List<BlobChunk> Chunks, List<PendingWrite> Writes) item;
                try
                {
                    item = ExportFormat.Read(line);
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
                {
                    throw CliException.NotFound($"'{path.FullName}' line {i + 1}: {ex.Message}");
                }

                if (item.Record.ThreadId != threadId)
                {
                    throw CliException.NotFound($"'{path.FullName}' line {i + 1}: checkpoint of thread '{item.Record.ThreadId}' in an export of '{threadId}'.");
                }

                // Branch: the parent may already have a child (a fork), and nothing is replaced.
                await saver.PutAsync(item.Record, item.Chunks, PutMode.Branch, cancellationToken).ConfigureAwait(false);
                await saver.PutWritesAsync(threadId, item.Record.Namespace, item.Record.Id, item.Writes, cancellationToken).ConfigureAwait(false);
                (checkpoints, chunks, writes) = (checkpoints + 1, chunks + item.Chunks.Count, writes + item.Writes.Count);
            }

            session.Console.MarkupLine(
                $"Imported thread [bold]{Markup.Escape(threadId)}[/] into {Markup.Escape(session.Connection.Description)}: {Lookups.Count(checkpoints, "checkpoint")}, {Lookups.Count(chunks, "chunk")}, {Lookups.Count(writes, "pending write")}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject? Parse(string[] lines, int index, FileInfo path)
    {
        if (index >= lines.Length || string.IsNullOrWhiteSpace(lines[index]))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(lines[index]) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException ex)
        {
            throw CliException.NotFound($"'{path.FullName}' line {index + 1} is not valid JSON: {ex.Message}");
        }
    }
}
