using System.Diagnostics;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The writers' lock of a memory root: <c>.memory.lock</c> opened with <see cref="FileShare.None"/>
/// (an OS file lock, released when the holder closes it or dies, so a file left by a crash does not
/// block anyone). Taken by every write in every process; retried with back-off until the timeout.
/// </summary>
internal static class RootLock
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Holds the lock until the returned stream is disposed; throws <see cref="TimeoutException"/> naming the file.</summary>
    public static async Task<FileStream> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (clock.Elapsed >= timeout)
                {
                    throw new TimeoutException(
                        $"Could not lock the markdown memory '{path}' within {timeout.TotalSeconds:0.#} s: another writer holds it (MarkdownMemoryStoreOptions.LockTimeout).", ex);
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
