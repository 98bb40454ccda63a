using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The connect and command timeouts of a saver's data source: applied from
/// <see cref="PostgresCheckpointSaverOptions"/> to a connection string, and named in timeout errors together
/// with the server's host and port.
/// </summary>
internal static class PostgresTimeouts
{
    /// <summary>The connection string with the options' timeouts applied (whole seconds, rounded up).</summary>
    public static string Apply(string connectionString, PostgresCheckpointSaverOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (options.ConnectTimeout is { } connect)
        {
            builder.Timeout = Seconds(connect, nameof(PostgresCheckpointSaverOptions.ConnectTimeout));
        }

        if (options.CommandTimeout is { } command)
        {
            builder.CommandTimeout = Seconds(command, nameof(PostgresCheckpointSaverOptions.CommandTimeout));
        }

        return builder.ConnectionString;
    }

    /// <summary>Refuses timeouts the saver cannot apply to a data source it did not create.</summary>
    public static void RejectFor(PostgresCheckpointSaverOptions options)
    {
        if (options.ConnectTimeout is not null || options.CommandTimeout is not null)
        {
            throw new ArgumentException(
                "PostgresCheckpointSaverOptions.ConnectTimeout and CommandTimeout apply to a data source the saver creates from a connection string. " +
                "For an NpgsqlDataSource you build, set Timeout and Command Timeout on its connection string " +
                "(NpgsqlDataSourceBuilder.ConnectionStringBuilder).",
                nameof(options));
        }
    }

    /// <summary>True when <paramref name="exception"/> (or one it wraps) is a timeout.</summary>
    public static bool IsTimeout(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The server a data source connects to, as <c>host:port</c> (for messages and logs).</summary>
    public static string Endpoint(NpgsqlDataSource dataSource)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"{builder.Host}:{builder.Port}";
    }

    /// <summary>
    /// A <see cref="TimeoutException"/> naming the server, the timeout that ran out and the option
    /// that sets it; <paramref name="connecting"/> tells whether the connection was being opened.
    /// </summary>
    public static TimeoutException Describe(NpgsqlDataSource dataSource, bool connecting, Exception error)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var server = $"{builder.Host}:{builder.Port}";
        var message = connecting
            ? $"PostgreSQL at {server} (database '{builder.Database}') did not complete the connection within {builder.Timeout} s " +
              "(the connect timeout). Check that the server is up and answering there, or raise PostgresCheckpointSaverOptions.ConnectTimeout " +
              "(the connection string's Timeout)."
            : $"PostgreSQL at {server} (database '{builder.Database}') did not finish a command within {builder.CommandTimeout} s " +
              "(the command timeout). Check the server's load and locks, or raise PostgresCheckpointSaverOptions.CommandTimeout " +
              "(the connection string's Command Timeout).";
        return new TimeoutException(message, error);
    }

    private static int Seconds(TimeSpan timeout, string option)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(option, timeout, $"PostgresCheckpointSaverOptions.{option} must be positive.");
        }

        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalSeconds));
    }
}
