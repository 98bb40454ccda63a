using System.CommandLine;
using Checkpoint.Cli.Decoding;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary>
/// <c>ckpt verify</c>: reads every checkpoint of every thread (or of the threads named) and checks every blob it
/// needs: record, inline values, chunks (envelope, checksum, decryption, well-formed MessagePack within the depth
/// limit, every item a run needs present), pending writes and interrupt values. Exit code 1 and the damaged
/// checkpoints listed when anything is wrong.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CommandContext context)
    {
        var threads = new Argument<string[]>("thread") { Description = "Only these threads (default: every thread).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("verify", "Read and check every stored blob; list damaged checkpoints (exit code 1 when any).") { threads };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var named = session.Parse.GetValue(threads) ?? [];
            var threadIds = named.Length > 0 ? [.. named] : await Lookups.ThreadIdsAsync(saver, cancellationToken).ConfigureAwait(false);
            var damage = new List<(string Thread, string Checkpoint, string Problem)>();
            var checkedCount = 0;
            await session.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("verifying threads", maxValue: Math.Max(1, threadIds.Count));
                    foreach (var threadId in threadIds)
                    {
                        checkedCount += await VerifyThreadAsync(saver, threadId, damage, cancellationToken).ConfigureAwait(false);
                        task.Increment(1);
                    }

                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);

            if (damage.Count == 0)
            {
                session.Console.MarkupLine($"[green]OK[/]: {Lookups.Count(checkedCount, "checkpoint")} in {Lookups.Count(threadIds.Count, "thread")}, every blob intact.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Thread", "Checkpoint", "Problem");
            table.Columns[1].NoWrap();
            foreach (var (thread, checkpoint, problem) in damage)
            {
                table.AddRow(Markup.Escape(thread), Markup.Escape(checkpoint), Markup.Escape(problem));
            }

            session.Console.Write(table);
            session.Console.MarkupLine($"[red]DAMAGED[/]: {damage.Count} of {Lookups.Count(checkedCount, "checkpoint")} in {Lookups.Count(threadIds.Count, "thread")} cannot be read.");
            return ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Checks every checkpoint of a thread, adding what is damaged; returns how many checkpoints were checked.</summary>
    private static async Task<int> VerifyThreadAsync(
        CheckpointSaver saver, string threadId, List<(string, string, string)> damage, CancellationToken cancellationToken)
    {
        var reader = new CheckpointReader(saver);
        var count = 0;
        try
        {
            await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }, cancellationToken).ConfigureAwait(false))
            {
                count++;
                try
                {
                    _ = await reader.ReadAsync(tuple, cancellationToken).ConfigureAwait(false);
                }
                catch (CheckpointDataException ex)
                {
                    damage.Add((threadId, tuple.Checkpoint.Id.ToString(), Problem(ex)));
                }
            }

            if (count == 0)
            {
                damage.Add((threadId, "-", $"unknown thread '{threadId}': it has no checkpoints."));
            }
        }
        catch (CheckpointDataException ex)
        {
            // A record that cannot be read stops the saver's listing: the rest of the thread is unreachable too.
            count++;
            damage.Add((threadId, ex.CheckpointId?.ToString() ?? "?", $"{ex.Message} (the thread's older checkpoints could not be listed)"));
        }

        return count;
    }

    /// <summary>The channel and what is wrong with it (the table already names the thread and checkpoint).</summary>
    private static string Problem(CheckpointDataException error)
    {
        var at = error.Message.IndexOf("): ", StringComparison.Ordinal);
        return at < 0 ? error.Message : $"{(error.Channel is { } channel ? $"channel '{channel}': " : "")}{error.Message[(at + 3)..]}";
    }
}
