using Microsoft.Extensions.Logging;

namespace Checkpoint.Sqlite;

/// <summary>What the SQLite saver recovers from on its own, logged through <see cref="SqliteCheckpointSaverOptions.LoggerFactory"/>.</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(101, LogLevel.Warning, "SQLite file {Path} was busy or locked (attempt {Attempt} of {MaxAttempts}); retrying after a pause")]
    public static partial void BusyRetry(ILogger logger, Exception exception, string path, int attempt, int maxAttempts);

    [LoggerMessage(102, LogLevel.Warning, "A background WAL checkpoint of SQLite file {Path} failed; the next one retries it")]
    public static partial void BackgroundCheckpointFailed(ILogger logger, Exception exception, string path);
}
