using System.CommandLine;
using Checkpoint.Cli.Connections;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary>
/// <c>ckpt reencrypt --key-env NEW --old-key-env OLD[,OLD2]</c>: seals every blob (or one thread's) again under the new
/// key, in place. Blobs already under it are skipped, so a stopped run is finished by running it again. A whole-database
/// run also re-encrypts the memory store kept in the same SQLite file or PostgreSQL schema.
/// </summary>
internal static class ReencryptCommand
{
    public static Command Create(CommandContext context)
    {
        var oldKeys = new Option<string[]>("--old-key-env")
        {
            Description = "Names of environment variables holding the old keys (comma-separated or repeated); they only decrypt. Keys are never printed.",
            HelpName = "NAME[,NAME]",
            AllowMultipleArgumentsPerToken = true,
        };
        var thread = new Option<string?>("--thread", "-t") { Description = "Only this thread (default: every thread)." };
        var plaintext = new Option<bool>("--plaintext")
        {
            Description = "Also encrypt blobs stored without encryption (turning encryption on over existing data).",
        };
        var command = new Command(
            "reencrypt",
            "Re-encrypt stored blobs in place under the --key-env key (key rotation); resumable: run it again after a stop.")
        {
            oldKeys, thread, plaintext,
        };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            var newKey = session.KeyVariable
                ?? throw CliException.Usage("reencrypt needs --key-env NAME: the environment variable holding the new key.");
            var old = (session.Parse.GetValue(oldKeys) ?? [])
                .SelectMany(names => names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            var serializer = EncryptionKeys.Rotation(newKey, old, session.Parse.GetValue(plaintext));
            await using var saver = await session.OpenAsync(serializer, cancellationToken).ConfigureAwait(false);
            var threadId = session.Parse.GetValue(thread);
            var threadIds = threadId is null ? await Lookups.ThreadIdsAsync(saver, cancellationToken).ConfigureAwait(false) : [threadId];

            var total = new ReencryptSummary(0, 0, 0, 0, 0, 0);
            await session.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("re-encrypting threads", maxValue: Math.Max(1, threadIds.Count));
                    var blobs = new Reporter(report => task.Description = $"re-encrypting {Markup.Escape(report.ThreadId)}: {report.Rewritten} blobs rewritten");
                    foreach (var id in threadIds)
                    {
                        var summary = await saver.ReencryptThreadAsync(id, blobs, cancellationToken).ConfigureAwait(false);
                        if (threadId is not null && summary.Checkpoints == 0)
                        {
                            throw CliException.NotFound($"Unknown thread '{threadId}': it has no checkpoints.");
                        }

                        total = Add(total, summary);
                        task.Increment(1);
                    }

                    task.Description = "re-encrypted";
                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);

            var changed = total.Changed > 0 ? $", {total.Changed} changed by a writer meanwhile (run again to check them)" : "";
            session.Console.MarkupLine(
                $"[green]Re-encrypted[/] {Lookups.Count(total.Threads, "thread")} ({Lookups.Count(total.Checkpoints, "checkpoint")}) under key id " +
                $"{saver.Serializer.EncryptionKeyId}: {total.Examined} blobs examined, {total.Rewritten} rewritten, " +
                $"{total.AlreadyCurrent} already under the key{changed}.");

            // The whole database (no --thread): the long-term memory kept beside the checkpoints too. Not with --plaintext:
            // a memory store written without a key keeps raw vectors, which re-sealing bodies would not hide.
            if (threadId is null && !session.Parse.GetValue(plaintext))
            {
                await using var memory = await MemoryStoreFactory.OpenExistingAsync(session.Connection, serializer, cancellationToken).ConfigureAwait(false);
                if (memory is not null)
                {
                    var rows = await memory.ReencryptAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    var rowsChanged = rows.Changed > 0 ? $", {rows.Changed} changed by a writer meanwhile (run again to check them)" : "";
                    session.Console.MarkupLine(
                        $"[green]Re-encrypted[/] the memory store: {Lookups.Count((int)rows.Items, "item")} and {Lookups.Count((int)rows.HistoryRows, "history row")} examined, " +
                        $"{rows.Rewritten} rewritten, {rows.AlreadyCurrent} already under the key{rowsChanged}.");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static ReencryptSummary Add(ReencryptSummary a, ReencryptSummary b) => new(
        a.Threads + b.Threads, a.Checkpoints + b.Checkpoints, a.Examined + b.Examined,
        a.Rewritten + b.Rewritten, a.AlreadyCurrent + b.AlreadyCurrent, a.Changed + b.Changed);

    /// <summary>Reports synchronously (the bar's description follows the blobs).</summary>
    private sealed class Reporter(Action<ReencryptProgress> report) : IProgress<ReencryptProgress>
    {
        public void Report(ReencryptProgress value) => report(value);
    }
}
