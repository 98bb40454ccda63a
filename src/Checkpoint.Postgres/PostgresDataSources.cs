using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The data sources the saver and the memory store create from a connection string — and the one to build when you
/// share a data source between them: with Npgsql's automatic preparation on, unless the connection string sets it. The same few statements run on every step, and without
/// preparation the server plans each anew: in workload W1 (N=500) preparing cut the overhead per step from 1.6 ms to
/// 0.64 ms and a warm get-latest from 0.75 ms to 0.28 ms.
/// </summary>
public static class PostgresDataSources
{
    /// <summary>Statements kept prepared per connection when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>The connection string with automatic preparation turned on (kept as given when it sets <c>Max Auto Prepare</c>).</summary>
    public static string WithAutoPrepare(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Npgsql's own builder reports every keyword as present: ask a plain one what the string says.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare, AutoPrepareMinUsages = 2 };
        return builder.ConnectionString;
    }

    /// <summary>A data source for <paramref name="connectionString"/> with automatic preparation (see <see cref="WithAutoPrepare"/>).</summary>
    public static NpgsqlDataSource Create(string connectionString) => NpgsqlDataSource.Create(WithAutoPrepare(connectionString));
}
