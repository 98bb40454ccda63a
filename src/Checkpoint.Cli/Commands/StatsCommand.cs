using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt stats</c>: bytes stored per thread and per channel.</summary>
internal static class StatsCommand
{
    public static Command Create(CommandContext context)
    {
        var threads = new Argument<string[]>("thread") { Description = "Only these threads (default: every thread).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("stats", "Bytes stored per thread and per channel (inline values, chunks counted once, pending writes).") { threads };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var named = session.Parse.GetValue(threads) ?? [];
            var threadIds = named.Length > 0 ? [.. named] : await Lookups.ThreadIdsAsync(saver, cancellationToken).ConfigureAwait(false);
            var perThread = new Table().AddColumns("Thread", "Checkpoints", "Chunks", "Inline", "Chunk bytes", "Writes", "Total");
            for (var i = 1; i < perThread.Columns.Count; i++)
            {
                perThread.Columns[i].RightAligned();
            }

            var perChannel = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0;
            {
                foreach (var threadId in threadIds)
                {
                    var sizes = await Commands.StorageSizes.MeasureAsync(saver, threadId, cancellationToken).ConfigureAwait(false);
                    if (sizes.Checkpoints == 0)
                    {
                        throw CliException.NotFound($"Unknown thread '{threadId}': it has no checkpoints.");
                    }

                    perThread.AddRow(
                        Markup.Escape(threadId), sizes.Checkpoints.ToString(CultureInfo.InvariantCulture), sizes.Chunks.ToString(CultureInfo.InvariantCulture),
                        Lookups.Bytes(sizes.InlineBytes), Lookups.Bytes(sizes.ChunkBytes), Lookups.Bytes(sizes.WriteBytes), Lookups.Bytes(sizes.Total));
                    foreach (var (channel, bytes) in sizes.ByChannel)
                    {
                        perChannel[channel] = perChannel.GetValueOrDefault(channel) + bytes;
                    }

                    total += sizes.Total;
                }
            }

            session.Console.Write(perThread);
            var channels = new Table().AddColumns("Channel", "Bytes", "Share");
            channels.Columns[1].RightAligned();
            channels.Columns[2].RightAligned();
            foreach (var (channel, bytes) in perChannel.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                channels.AddRow(Markup.Escape(channel), Lookups.Bytes(bytes), total == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / total:0.0}%"));
            }

            session.Console.Write(channels);
            session.Console.MarkupLine($"{Lookups.Count(threadIds.Count, "thread")}, {Lookups.Bytes(total)} of channel values and writes.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
