using System.CommandLine;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt prune THREAD --keep N</c>: keeps the newest N checkpoints of each namespace (with the ancestors they need).</summary>
internal static class PruneCommand
{
    public static Command Create(CommandContext context)
    {
        var thread = new Argument<string>("thread") { Description = "The thread id." };
        var keep = new Option<int>("--keep", "-k") { Description = "How many of the newest checkpoints to keep (at least 1).", Required = true };
        var command = new Command("prune", "Delete a thread's older checkpoints and the chunks only they used.") { thread, keep };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var threadId = session.Parse.GetValue(thread)!;
            var count = session.Parse.GetValue(keep);
            if (count < 1)
            {
                throw CliException.Usage($"--keep {count}: keep at least 1 checkpoint (use your application to delete a whole thread).");
            }

            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var before = (await Lookups.ThreadAsync(saver, threadId, cancellationToken).ConfigureAwait(false)).Count;
            var deleted = await saver.PruneAsync(threadId, RetentionPolicy.Latest(count), cancellationToken).ConfigureAwait(false);
            session.Console.MarkupLine($"Pruned thread [bold]{Markup.Escape(threadId)}[/]: deleted {deleted} of {before} checkpoints, kept {before - deleted}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
