using System.CommandLine;
using Checkpoint.Storage;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary>
/// <c>ckpt history THREAD</c>: the thread's checkpoints oldest first as a tree. A line of history reads down one
/// level; at a fork (a checkpoint with several children) the later branches hang under it, indented.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CommandContext context)
    {
        var thread = new Argument<string>("thread") { Description = "The thread id." };
        var limit = new Option<int?>("--limit", "-n") { Description = "Only the newest N checkpoints." };
        var metadata = new Option<string[]>("--metadata", "-m") { Description = "Only checkpoints with this metadata (key=value, repeatable).", HelpName = "key=value" };
        var ns = new Option<string>("--namespace") { Description = "The checkpoint namespace (subgraph path); default the root graph.", DefaultValueFactory = _ => "" };
        var command = new Command("history", "Show a thread's checkpoints as a tree, with its forks.") { thread, limit, metadata, ns };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var threadId = session.Parse.GetValue(thread)!;
            if (session.Parse.GetValue(limit) is <= 0)
            {
                throw CliException.Usage("--limit must be positive.");
            }

            var filter = new CheckpointFilter
            {
                Namespace = session.Parse.GetValue(ns),
                Limit = session.Parse.GetValue(limit),
                Metadata = Lookups.Metadata(session.Parse.GetValue(metadata)),
            };
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var tuples = await Lookups.ThreadAsync(saver, threadId, cancellationToken, filter).ConfigureAwait(false);
            var records = tuples.Select(t => t.Checkpoint).ToList();
            var tree = new Tree(new Markup($"thread [bold]{Markup.Escape(threadId)}[/] ({records.Count} checkpoints{(filter.Limit is null && filter.Metadata is null ? "" : ", filtered")})"));
            var ids = records.Select(r => r.Id).ToHashSet();
            var children = records.Where(r => r.ParentId is { } p && ids.Contains(p)).ToLookup(r => r.ParentId!.Value);
            foreach (var start in records.Where(r => r.ParentId is not { } p || !ids.Contains(p)))
            {
                AddLine(tree, start, children, tuples.ToDictionary(t => t.Checkpoint.Id));
            }

            session.Console.Write(tree);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Adds a line of history from <paramref name="start"/>, following each checkpoint's first child; later children become branches.</summary>
    private static void AddLine(
        IHasTreeNodes parent, CheckpointRecord start, ILookup<Guid, CheckpointRecord> children, Dictionary<Guid, CheckpointTuple> tuples)
    {
        for (CheckpointRecord? current = start; current is not null;)
        {
            var kids = children[current.Id].ToList(); // oldest first: the list is sorted by id
            var node = parent.AddNode(Label(tuples[current.Id], kids.Count));
            foreach (var branch in kids.Skip(1))
            {
                AddLine(node, branch, children, tuples);
            }

            current = kids.FirstOrDefault();
        }
    }

    private static Markup Label(CheckpointTuple tuple, int childCount)
    {
        var record = tuple.Checkpoint;
        var next = record.NextNodes.Count == 0 ? "end" : string.Join(",", record.NextNodes);
        var interrupted = record.Interrupts.Count > 0 || tuple.PendingWrites.Any(w => w.Channel == SpecialChannels.Interrupt)
            ? " [yellow]interrupt[/]" : "";
        var fork = childCount > 1 ? " [magenta]fork[/]" : "";
        var metadata = record.Metadata.Count == 0 ? "" : " [grey]" + Markup.Escape(string.Join(" ", record.Metadata.Select(p => $"{p.Key}={p.Value}"))) + "[/]";
        var time = record.CreatedAt.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        return new Markup(
            $"step {record.Step} {record.Source.ToString().ToLowerInvariant()} → {Markup.Escape(next)}  {time}  [bold]{record.Id}[/]{interrupted}{fork}{metadata}");
    }
}
