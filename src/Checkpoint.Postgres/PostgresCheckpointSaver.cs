using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpoint.Postgres;

/// <summary>
/// A <see cref="CheckpointSaver"/> on PostgreSQL through an <see cref="NpgsqlDataSource"/>: many app
/// instances share one durable store. A checkpoint put is one round trip (one batch, one implicit
/// transaction); concurrent calls use the connection pool in parallel. Tables live in their own
/// schema, created and migrated forward on first use. A call that finds its pooled connection broken
/// (for example after a server restart) clears the pool and is retried once on a new connection;
/// every call is idempotent, so the retry is safe.
/// </summary>
public sealed partial class PostgresCheckpointSaver : CheckpointSaver
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresSql _sql;
    private readonly bool _scrubAfterErase;
    private readonly TimeSpan _scrubWait;
    private readonly string _quotedSchema;
    private readonly bool _autoMigrate;
    private readonly TimeSpan? _threadTimeToLive;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _migrationGate = new();
    private readonly ILogger _logger;
    private readonly bool _groupOlderRecords;
    private Task? _migration;

    /// <summary>
    /// Creates a saver on a data source the caller owns (and disposes). Its connection string's
    /// <c>Timeout</c> and <c>Command Timeout</c> apply (<see cref="PostgresCheckpointSaverOptions.ConnectTimeout"/>
    /// and <see cref="PostgresCheckpointSaverOptions.CommandTimeout"/> must be left null).
    /// </summary>
    public PostgresCheckpointSaver(NpgsqlDataSource dataSource, PostgresCheckpointSaverOptions? options = null)
        : this(dataSource, ownsDataSource: false, options)
    {
    }

    /// <summary>
    /// Creates a saver with its own data source for an Npgsql connection string, with the
    /// <see cref="PostgresCheckpointSaverOptions.ConnectTimeout"/> and <see cref="PostgresCheckpointSaverOptions.CommandTimeout"/> applied.
    /// </summary>
    public PostgresCheckpointSaver(string connectionString, PostgresCheckpointSaverOptions? options = null)
        : this(PostgresDataSources.Create(PostgresTimeouts.Apply(connectionString, options ?? new PostgresCheckpointSaverOptions())), ownsDataSource: true, options)
    {
    }

    private PostgresCheckpointSaver(NpgsqlDataSource dataSource, bool ownsDataSource, PostgresCheckpointSaverOptions? options)
        : base(options?.Serializer, options?.ChunkCacheBytes ?? DefaultChunkCacheBytes)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new PostgresCheckpointSaverOptions();
        if (!ownsDataSource)
        {
            PostgresTimeouts.RejectFor(options);
        }

        _quotedSchema = PostgresMigrations.QuoteSchema(options.Schema);
        _threadTimeToLive = CheckThreadTimeToLive(
            options.ThreadTimeToLive, $"{nameof(PostgresCheckpointSaverOptions)}.{nameof(PostgresCheckpointSaverOptions.ThreadTimeToLive)}");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        _timeProvider = options.TimeProvider;
        _logger = options.LoggerFactory?.CreateLogger<PostgresCheckpointSaver>() ?? (ILogger)NullLogger.Instance;
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _sql = new PostgresSql(_quotedSchema, _threadTimeToLive is not null);
        _autoMigrate = options.AutoMigrate;
        _groupOlderRecords = options.GroupOlderRecords;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ScrubWaitTimeout, TimeSpan.Zero, "options.ScrubWaitTimeout");
        _scrubAfterErase = options.ScrubAfterErase;
        _scrubWait = options.ScrubWaitTimeout;
        Schema = options.Schema;
    }

    /// <summary>The schema holding the saver's tables.</summary>
    public string Schema { get; }

    /// <summary>The newest schema version this build migrates to.</summary>
    public static int SchemaVersion => PostgresMigrations.LatestVersion;

    /// <summary>
    /// Creates the schema and applies the migrations it lacks (each once, recorded in
    /// <c>schema_migrations</c>; concurrent migrators wait for each other). Returns how many were applied.
    /// </summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            (connection, token) => PostgresMigrations.ApplyAsync(connection, _quotedSchema, token),
            migrate: false, cancellationToken);

    /// <inheritdoc />
    protected override async Task<CheckpointTuple?> GetCoreAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (checkpointId is not { } id)
        {
            // The newest checkpoint of a namespace is never grouped.
            return await QuerySingleAsync(
                Live(Command(_sql.GetLatest, Text("thread", threadId), Text("ns", checkpointNamespace))), cancellationToken).ConfigureAwait(false);
        }

        return await QueryOneAsync(
            Live(Command(_sql.GetOne, Uuid("id", id), Text("thread", threadId), Text("ns", checkpointNamespace))),
            Live(Command(_sql.Groups.GetOne, Uuid("id", id), Text("thread", threadId), Text("ns", checkpointNamespace))),
            id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return QueryOneAsync(
            Live(Command(_sql.GetById, Uuid("id", checkpointId))), Live(Command(_sql.Groups.GetById, Uuid("id", checkpointId))),
            checkpointId, cancellationToken);
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<CheckpointTuple> ListCoreAsync(
        CheckpointFilter filter, CancellationToken cancellationToken)
    {
        return ListStoredAsync(filter, cancellationToken);
    }

    /// <inheritdoc />
    protected override string StoreDescription
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{builder.Host}:{builder.Port}, database '{builder.Database}', schema '{Schema}'";
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed() && _ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async IAsyncEnumerable<CheckpointTuple> ListStoredAsync(
        CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (filter.Limit is <= 0)
        {
            yield break;
        }

        var sql = new StringBuilder(_sql.SelectTuple).Append("\nWHERE true").Append(_sql.Live);
        var groupSql = new StringBuilder(_sql.Groups.Select).Append("\nWHERE true").Append(_sql.Live);
        var parameters = new List<NpgsqlParameter>();
        if (_sql.Expires)
        {
            parameters.Add(Cutoff());
        }

        if (filter.ThreadId is { } threadId)
        {
            sql.Append(" AND c.thread_id = @thread");
            groupSql.Append(" AND c.thread_id = @thread");
            parameters.Add(Text("thread", threadId));
        }

        if (filter.Namespace is { } checkpointNamespace)
        {
            sql.Append(" AND c.ns = @ns");
            groupSql.Append(" AND c.ns = @ns");
            parameters.Add(Text("ns", checkpointNamespace));
        }

        if (filter.Before is { } before)
        {
            sql.Append(" AND c.id < @before");
            parameters.Add(Uuid("before", before));
        }

        if (filter.Metadata is { Count: > 0 } metadata)
        {
            // Indexed under the current key, or under an older one not yet re-indexed (key rotation): either matches.
            var forms = MetadataFilterJson(metadata);
            // The first condition is implied by the others; it is spelled out so that the partial index applies.
            sql.Append(" AND c.metadata <> '{}'::jsonb AND (")
                .AppendJoin(" OR ", forms.Select((_, i) => $"c.metadata @> @metadata{i}")).Append(')');
            parameters.AddRange(forms.Select((json, i) => Jsonb($"metadata{i}", json)));
        }

        sql.Append(" ORDER BY c.id DESC");
        if (filter.Limit is { } limit)
        {
            sql.Append(" LIMIT @limit");
            parameters.Add(Int("limit", limit));
        }

        // Grouped members have empty metadata: a metadata filter matches loose rows only.
        var groupTemplate = filter.Metadata is { Count: > 0 } ? null : Command(GroupListing(groupSql.ToString(), filter), [.. parameters.Select(p => p.Clone())]);
        var template = Command(sql.ToString(), [.. parameters]);

        // Opening the connection and starting the query are retried; rows are then streamed as read.
        var (connection, batch, reader) = await ExecuteAsync(
            async (connection, token) =>
            {
                var batch = new NpgsqlBatch(connection);
                if (groupTemplate is not null)
                {
                    batch.BatchCommands.Add(Clone(groupTemplate));
                }

                batch.BatchCommands.Add(Clone(template));
                try
                {
                    var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                    return (connection, batch, reader);
                }
                catch
                {
                    await batch.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            migrate: true, cancellationToken, keepConnection: true).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (batch.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            var groups = new List<GroupRow>();
            if (groupTemplate is not null)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    groups.Add(ReadGroupRow(reader));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            await foreach (var tuple in MergeAsync(reader, groups, filter, cancellationToken).ConfigureAwait(false))
            {
                yield return tuple;
            }
        }
    }

    /// <summary>
    /// The group query of a listing (<paramref name="where"/>: the groups of its thread and namespace), newest last member
    /// first. With a limit L it needs only the groups spanning <c>before</c> and the L newest below it: each of those holds
    /// a checkpoint below <c>before</c> newer than every member of the groups after them, so those cannot make the page.
    /// </summary>
    private static string GroupListing(string where, CheckpointFilter filter) => (filter.Before, filter.Limit) switch
    {
        (null, null) => where + " ORDER BY c.last_id DESC",
        (not null, null) => where + " AND c.first_id < @before ORDER BY c.last_id DESC",
        (null, not null) => where + " ORDER BY c.last_id DESC LIMIT @limit",
        _ => $"({where} AND c.first_id < @before AND c.last_id >= @before)\nUNION ALL\n" +
             $"({where} AND c.last_id < @before ORDER BY c.last_id DESC LIMIT @limit)\nORDER BY last_id DESC",
    };

    private Task<CheckpointTuple?> QuerySingleAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(
            async (connection, token) =>
            {
                await using var batch = new NpgsqlBatch(connection) { BatchCommands = { Clone(command) } };
                await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                return await reader.ReadAsync(token).ConfigureAwait(false) ? ReadTuple(reader, Serializer) : null;
            },
            migrate: true, cancellationToken);

    /// <summary>A copy of a batch command, so that a retry does not reuse one owned by a disposed batch.</summary>
    private static NpgsqlBatchCommand Clone(NpgsqlBatchCommand command)
    {
        var copy = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
        {
            copy.Parameters.Add(parameter.Clone());
        }

        return copy;
    }

    /// <summary>
    /// The metadata as a JSON object for the jsonb column (keys and values escaped by
    /// <see cref="MetadataEncoding"/>); with encryption on, values are keyed hashes
    /// (<see cref="CheckpointSerializer.MetadataIndexValue"/>), never plaintext.
    /// </summary>
    private string MetadataJson(IReadOnlyDictionary<string, string> metadata) =>
        JsonObject(metadata.Select(pair => (pair.Key, Serializer.MetadataIndexValue(pair.Key, pair.Value))));

    /// <summary>
    /// The JSON objects a filter on <paramref name="metadata"/> matches: one per key a checkpoint's metadata may be
    /// indexed under (<see cref="CheckpointSerializer.MetadataIndexValues"/>; a checkpoint's values share one key).
    /// </summary>
    private List<string> MetadataFilterJson(IReadOnlyDictionary<string, string> metadata)
    {
        var forms = metadata.Select(pair => (pair.Key, Values: Serializer.MetadataIndexValues(pair.Key, pair.Value))).ToList();
        return [.. Enumerable.Range(0, forms[0].Values.Count).Select(i => JsonObject(forms.Select(form => (form.Key, form.Values[i]))))];
    }

    private static string JsonObject(IEnumerable<(string Key, string Value)> pairs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in pairs)
            {
                writer.WriteString(MetadataEncoding.Encode(key), MetadataEncoding.Encode(value));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a pooled connection, after the migrations when
    /// <paramref name="migrate"/>; when the connection turns out broken, clears the pool and runs it
    /// once more on a new connection. With <paramref name="keepConnection"/> the operation's result
    /// owns the connection (the caller disposes it).
    /// </summary>
    private async Task<T> ExecuteAsync<T>(
        Func<NpgsqlConnection, CancellationToken, Task<T>> operation, bool migrate, CancellationToken cancellationToken,
        bool keepConnection = false)
    {
        if (migrate && _autoMigrate)
        {
            await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            ThrowIfDisposed();
            NpgsqlConnection? connection = null;
            var handedOver = false;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                var result = await operation(connection, cancellationToken).ConfigureAwait(false);
                handedOver = keepConnection;
                return result;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresTimeouts.IsTimeout(ex))
            {
                // Not retried: the whole timeout has already passed (a retry doubled the wait, ~30 s by default).
                throw PostgresTimeouts.Describe(_dataSource, connecting: connection is null, ex);
            }
            catch (Exception ex) when (attempt == 1 && !cancellationToken.IsCancellationRequested && PostgresErrors.IsBrokenConnection(ex))
            {
                // Idle pooled connections died with the old server process: drop them all.
                PostgresLog.Reconnecting(_logger, ex, PostgresTimeouts.Endpoint(_dataSource));
                _dataSource.Clear();
            }
            finally
            {
                if (connection is not null && !handedOver)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        lock (_migrationGate)
        {
            if (_migration is null || _migration.IsFaulted || _migration.IsCanceled)
            {
                // The shared migration must not be canceled by the first caller's token.
                _migration = MigrateAsync(CancellationToken.None);
            }

            return _migration.WaitAsync(cancellationToken);
        }
    }
}
