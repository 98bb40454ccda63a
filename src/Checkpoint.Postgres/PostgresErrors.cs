using System.Net.Sockets;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>Classifies Npgsql and PostgreSQL errors.</summary>
internal static class PostgresErrors
{
    /// <summary>SQLSTATE raised by <c>check_put</c> when a Continue put finds another child of its parent.</summary>
    public const string ConflictState = "CK001";

    /// <summary>SQLSTATE raised by <c>check_put</c> when the id already belongs to another thread or namespace.</summary>
    public const string OtherThreadState = "CK002";

    /// <summary>SQLSTATE raised by <c>check_put</c> when a record group holds the id, the parent or a child of the parent.</summary>
    public const string GroupedState = "CK003";

    /// <summary>The unique index that lets only one checkpoint continue a parent.</summary>
    public const string ContinueIndex = "checkpoints_continue_uq";

    /// <summary>
    /// True when the put lost the race for its parent: the check found another child, or the unique
    /// index stopped a concurrent writer.
    /// </summary>
    public static bool IsConflict(PostgresException exception) =>
        exception.SqlState == ConflictState ||
        (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == ContinueIndex);

    /// <summary>
    /// True when the connection broke (server restart, network failure) before the call could
    /// complete: the call is worth retrying once on a new connection.
    /// </summary>
    public static bool IsBrokenConnection(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or
            PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.ConnectionException,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException,
        IOException or SocketException => true,
        _ => false,
    };
}
