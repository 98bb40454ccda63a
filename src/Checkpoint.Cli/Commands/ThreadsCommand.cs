using System.CommandLine;
using System.Globalization;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt threads</c>: every thread with its step, last update, checkpoint count and bytes.</summary>
internal static class ThreadsCommand
{
    public static Command Create(CommandContext context)
    {
        var metadata = new Option<string[]>("--metadata", "-m") { Description = "Only threads whose latest checkpoint has this metadata (key=value, repeatable).", HelpName = "key=value" };
        var command = new Command("threads", "List the threads: latest step, last update, next nodes, checkpoints and bytes stored.") { metadata };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var query = new ThreadQuery { Metadata = Lookups.Metadata(session.Parse.GetValue(metadata)) ?? new Dictionary<string, string>() };
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var table = new Table().AddColumns("Thread", "Step", "Checkpoints", "Updated (UTC)", "Next", "Bytes");
            table.Columns[1].RightAligned();
            table.Columns[2].RightAligned();
            table.Columns[5].RightAligned();
            var count = 0;
            await foreach (var summary in saver.ListThreadSummariesAsync(query, cancellationToken).ConfigureAwait(false))
            {
                var sizes = await StorageSizes.MeasureAsync(saver, summary.ThreadId, cancellationToken).ConfigureAwait(false);
                var next = summary.Next.Count == 0 ? "(done)" : string.Join(", ", summary.Next) + (summary.Interrupted ? " (paused)" : "");
                table.AddRow(
                    Markup.Escape(summary.ThreadId),
                    summary.Step.ToString(CultureInfo.InvariantCulture),
                    sizes.Checkpoints.ToString(CultureInfo.InvariantCulture),
                    summary.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    Markup.Escape(next),
                    Lookups.Bytes(sizes.Total));
                count++;
            }

            if (count == 0)
            {
                session.Console.MarkupLine($"No threads in {Markup.Escape(session.Connection.Description)}.");
                return ExitCodes.Ok;
            }

            session.Console.Write(table);
            session.Console.MarkupLine(Lookups.Count(count, "thread"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
