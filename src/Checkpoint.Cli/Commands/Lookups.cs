using System.Globalization;
using Checkpoint.Storage;

namespace Checkpoint.Cli.Commands;

/// <summary>Finding what a command names, with errors that name what was not found.</summary>
internal static class Lookups
{
    /// <summary>A checkpoint by id, or the latest checkpoint of a thread when the text is not an id.</summary>
    public static async Task<CheckpointTuple> CheckpointAsync(CheckpointSaver saver, string text, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(text, out var id))
        {
            return await saver.GetByIdAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw CliException.NotFound($"Unknown checkpoint id {id}: no checkpoint has it.");
        }

        return await saver.GetAsync(text, "", null, cancellationToken).ConfigureAwait(false)
            ?? throw CliException.NotFound($"'{text}' is neither a checkpoint id nor a thread with checkpoints.");
    }

    /// <summary>Every checkpoint of a thread (all namespaces), oldest first; an unknown thread is an error.</summary>
    public static async Task<List<CheckpointTuple>> ThreadAsync(
        CheckpointSaver saver, string threadId, CancellationToken cancellationToken, CheckpointFilter? filter = null)
    {
        var tuples = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync((filter ?? new CheckpointFilter()) with { ThreadId = threadId }, cancellationToken).ConfigureAwait(false))
        {
            tuples.Add(tuple);
        }

        if (tuples.Count == 0 && (filter is null || await IsEmptyAsync(saver, threadId, cancellationToken).ConfigureAwait(false)))
        {
            throw CliException.NotFound($"Unknown thread '{threadId}': it has no checkpoints.");
        }

        tuples.Sort((a, b) => CheckpointIdComparer.Instance.Compare(a.Checkpoint.Id, b.Checkpoint.Id));
        return tuples;
    }

    /// <summary>The ids of every thread, in ordinal order.</summary>
    public static async Task<List<string>> ThreadIdsAsync(CheckpointSaver saver, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var id in saver.ListThreadsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Parses repeated <c>key=value</c> options.</summary>
    public static Dictionary<string, string>? Metadata(string[]? pairs, string option = "--metadata")
    {
        if (pairs is null || pairs.Length == 0)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw CliException.Usage($"{option} '{pair}': write key=value.");
            }

            metadata[pair[..at]] = pair[(at + 1)..];
        }

        return metadata;
    }

    /// <summary>"1 thread", "2 threads".</summary>
    public static string Count(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };

    private static async Task<bool> IsEmptyAsync(CheckpointSaver saver, string threadId, CancellationToken cancellationToken)
    {
        await foreach (var _ in saver.ListAsync(new CheckpointFilter { ThreadId = threadId, Limit = 1 }, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return true;
    }
}
