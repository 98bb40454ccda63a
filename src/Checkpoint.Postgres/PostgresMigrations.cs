using System.Globalization;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The forward-only schema migrations. Each is applied once, in order, and recorded in
/// <c>schema_migrations</c>; concurrent migrators serialize on a transaction-scoped advisory lock.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Advisory lock class id of the migration lock (the object id is the schema's hash).</summary>
    private const int LockClass = 0x43484B4D; // "CHKM"

    /// <summary>Every migration, by version; {s} is the quoted schema name.</summary>
    private static readonly (int Version, string Sql)[] All =
    [
        (1, """
            CREATE TABLE {s}.checkpoints (
                id uuid PRIMARY KEY,
                thread_id text COLLATE "C" NOT NULL,
                ns text COLLATE "C" NOT NULL,
                parent_id uuid NULL,
                continues boolean NOT NULL,
                body bytea NOT NULL,
                metadata jsonb NOT NULL DEFAULT '{}'::jsonb
            );
            ALTER TABLE {s}.checkpoints ALTER COLUMN body SET STORAGE EXTERNAL;
            CREATE INDEX checkpoints_thread_idx ON {s}.checkpoints (thread_id, ns, id);
            CREATE INDEX checkpoints_parent_idx ON {s}.checkpoints (thread_id, ns, parent_id);
            -- At most one checkpoint continues a given parent (or starts a thread): the race guard.
            CREATE UNIQUE INDEX checkpoints_continue_uq ON {s}.checkpoints
                (thread_id, ns, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE continues;
            CREATE INDEX checkpoints_metadata_idx ON {s}.checkpoints USING gin (metadata jsonb_path_ops);

            CREATE TABLE {s}.chunks (
                thread_id text COLLATE "C" NOT NULL,
                ns text COLLATE "C" NOT NULL,
                blob_id uuid NOT NULL,
                seq integer NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (thread_id, ns, blob_id, seq)
            );
            ALTER TABLE {s}.chunks ALTER COLUMN data SET STORAGE EXTERNAL;

            CREATE TABLE {s}.writes (
                thread_id text COLLATE "C" NOT NULL,
                ns text COLLATE "C" NOT NULL,
                checkpoint_id uuid NOT NULL,
                task_id text COLLATE "C" NOT NULL,
                idx integer NOT NULL,
                node text NOT NULL,
                channel text NOT NULL,
                value bytea NOT NULL,
                PRIMARY KEY (thread_id, ns, checkpoint_id, task_id, idx)
            );
            ALTER TABLE {s}.writes ALTER COLUMN value SET STORAGE EXTERNAL;

            -- Raises CK002 when the id belongs to another thread or namespace, and CK001 (conflict)
            -- when a Continue put finds another child of its parent (or, without parent, any checkpoint).
            CREATE FUNCTION {s}.check_put(p_id uuid, p_thread text, p_ns text, p_parent uuid, p_continue boolean)
            RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
                IF EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE id = p_id AND (thread_id <> p_thread OR ns <> p_ns)) THEN
                    RAISE EXCEPTION 'checkpoint % already exists in another thread or namespace', p_id
                        USING ERRCODE = 'CK002';
                END IF;
                IF p_continue AND EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE thread_id = p_thread AND ns = p_ns AND id <> p_id
                             AND (p_parent IS NULL OR parent_id = p_parent)) THEN
                    RAISE EXCEPTION 'checkpoint conflict' USING ERRCODE = 'CK001';
                END IF;
            END
            $fn$;
            """),
        (2, """
            -- Each thread's last put, recorded by savers with a thread time to live (threads written without one
            -- have no row until a purge stamps them from their newest checkpoint).
            CREATE TABLE {s}.threads (
                thread_id text COLLATE "C" PRIMARY KEY,
                touched_at timestamptz NOT NULL
            );

            -- A put with a time to live: locks the thread's row (concurrent puts and purges of the thread wait),
            -- deletes the thread when it has expired (the put starts a fresh one), and records the put time.
            CREATE FUNCTION {s}.touch_thread(p_thread text, p_now timestamptz, p_cutoff timestamptz)
            RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_touched timestamptz;
            BEGIN
                SELECT touched_at INTO v_touched FROM {s}.threads WHERE thread_id = p_thread FOR UPDATE;
                IF v_touched IS NOT NULL AND v_touched <= p_cutoff THEN
                    DELETE FROM {s}.writes WHERE thread_id = p_thread;
                    DELETE FROM {s}.chunks WHERE thread_id = p_thread;
                    DELETE FROM {s}.checkpoints WHERE thread_id = p_thread;
                END IF;
                INSERT INTO {s}.threads (thread_id, touched_at) VALUES (p_thread, p_now)
                    ON CONFLICT (thread_id) DO UPDATE SET touched_at = excluded.touched_at;
            END
            $fn$;
            """),
        (3, """
            -- Smaller per-checkpoint cost (issue 9; docs/storage.md, PostgreSQL layout). Existing rows stay as they are.
            -- The parent index held every checkpoint, though Continue children are also in the unique index: keep
            -- only the others (forks, updates), so check_put finds each kind of child through its own index.
            DROP INDEX {s}.checkpoints_parent_idx;
            CREATE INDEX checkpoints_branch_idx ON {s}.checkpoints (thread_id, ns, parent_id) WHERE NOT continues;

            -- Metadata filters are never empty, and an empty object contains no filter: leave those rows out.
            -- (List queries repeat the predicate so that the planner can use the partial index.)
            DROP INDEX {s}.checkpoints_metadata_idx;
            CREATE INDEX checkpoints_metadata_idx ON {s}.checkpoints USING gin (metadata jsonb_path_ops)
                WHERE metadata <> '{}'::jsonb;

            CREATE OR REPLACE FUNCTION {s}.check_put(p_id uuid, p_thread text, p_ns text, p_parent uuid, p_continue boolean)
            RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
                IF EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE id = p_id AND (thread_id <> p_thread OR ns <> p_ns)) THEN
                    RAISE EXCEPTION 'checkpoint % already exists in another thread or namespace', p_id
                        USING ERRCODE = 'CK002';
                END IF;
                IF NOT p_continue THEN
                    RETURN;
                END IF;
                IF p_parent IS NULL THEN
                    IF EXISTS (SELECT 1 FROM {s}.checkpoints WHERE thread_id = p_thread AND ns = p_ns AND id <> p_id) THEN
                        RAISE EXCEPTION 'checkpoint conflict' USING ERRCODE = 'CK001';
                    END IF;
                    RETURN;
                END IF;
                -- The expressions match checkpoints_continue_uq and checkpoints_branch_idx respectively.
                IF EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE thread_id = p_thread AND ns = p_ns AND continues
                             AND coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid) = p_parent AND id <> p_id)
                   OR EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE thread_id = p_thread AND ns = p_ns AND NOT continues AND parent_id = p_parent AND id <> p_id) THEN
                    RAISE EXCEPTION 'checkpoint conflict' USING ERRCODE = 'CK001';
                END IF;
            END
            $fn$;
            """),
        (4, """
            -- Record groups (issue 9; docs/storage.md, PostgreSQL layout v4): a namespace's older checkpoints leave
            -- checkpoints and live 32 to a row here. ids: the members, oldest first; parents: the members' parents that
            -- are not members (check_put finds a grouped child of a loose parent through it); data: flags, parents and
            -- bodies (PostgresRecordGroups). Rows of the v3 layout stay as they are; later puts group them.
            CREATE TABLE {s}.checkpoint_groups (
                thread_id text COLLATE "C" NOT NULL,
                ns text COLLATE "C" NOT NULL,
                last_id uuid NOT NULL,
                first_id uuid NOT NULL,
                ids uuid[] NOT NULL,
                parents uuid[] NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (thread_id, ns, last_id)
            );
            -- Get-by-id without a thread (and check_put's "id in another thread"): ids are time-ordered (UUIDv7) and groups
            -- are appended soon after their members were written, so the heap is roughly in id order and a block range
            -- index on the id span finds the few pages whose groups may hold an id. A GIN index on ids was measured at
            -- 48 KB for W1 at N=500 (a third of the raw bytes); this one stays at 3 pages until the table is large.
            CREATE INDEX checkpoint_groups_span_idx ON {s}.checkpoint_groups USING brin (first_id, last_id) WITH (pages_per_range = 4, autosummarize = on);

            -- As in v3, plus: an id grouped in another thread or namespace is CK002; a group that holds the id or the
            -- parent, or a child of the parent, raises CK003 (the saver releases it to loose rows and puts again).
            CREATE OR REPLACE FUNCTION {s}.check_put(p_id uuid, p_thread text, p_ns text, p_parent uuid, p_continue boolean)
            RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_grouped boolean;
                v_conflict boolean;
            BEGIN
                IF EXISTS (SELECT 1 FROM {s}.checkpoints
                           WHERE id = p_id AND (thread_id <> p_thread OR ns <> p_ns))
                   OR EXISTS (SELECT 1 FROM {s}.checkpoint_groups
                           WHERE first_id <= p_id AND last_id >= p_id AND ids @> ARRAY[p_id]
                             AND (thread_id <> p_thread OR ns <> p_ns)) THEN
                    RAISE EXCEPTION 'checkpoint % already exists in another thread or namespace', p_id
                        USING ERRCODE = 'CK002';
                END IF;
                IF p_continue AND p_parent IS NULL THEN
                    IF EXISTS (SELECT 1 FROM {s}.checkpoints WHERE thread_id = p_thread AND ns = p_ns AND id <> p_id)
                       OR EXISTS (SELECT 1 FROM {s}.checkpoint_groups WHERE thread_id = p_thread AND ns = p_ns) THEN
                        RAISE EXCEPTION 'checkpoint conflict' USING ERRCODE = 'CK001';
                    END IF;
                    RETURN;
                END IF;
                -- One statement, so one snapshot: a grouping or release committing meanwhile moves rows between the
                -- two tables atomically, and cannot hide a child from both checks. Groups are searched from the lower of
                -- the id and the parent up (a group holding either spans it; a child of the parent is newer than it):
                -- a put on the newest checkpoint, the usual one, finds no group at all.
                SELECT EXISTS (SELECT 1 FROM {s}.checkpoint_groups
                               WHERE thread_id = p_thread AND ns = p_ns AND last_id >= least(p_id, coalesce(p_parent, p_id))
                                 AND (ids @> ARRAY[p_id] OR (p_parent IS NOT NULL AND (ids @> ARRAY[p_parent] OR parents @> ARRAY[p_parent])))),
                       p_continue AND (
                           -- The expressions match checkpoints_continue_uq and checkpoints_branch_idx respectively.
                           EXISTS (SELECT 1 FROM {s}.checkpoints
                                   WHERE thread_id = p_thread AND ns = p_ns AND continues
                                     AND coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid) = p_parent AND id <> p_id)
                           OR EXISTS (SELECT 1 FROM {s}.checkpoints
                                   WHERE thread_id = p_thread AND ns = p_ns AND NOT continues AND parent_id = p_parent AND id <> p_id))
                INTO v_grouped, v_conflict;
                IF v_grouped THEN
                    RAISE EXCEPTION 'checkpoint % needs its record group released', p_id USING ERRCODE = 'CK003';
                END IF;
                IF v_conflict THEN
                    RAISE EXCEPTION 'checkpoint conflict' USING ERRCODE = 'CK001';
                END IF;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION {s}.touch_thread(p_thread text, p_now timestamptz, p_cutoff timestamptz)
            RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_touched timestamptz;
            BEGIN
                SELECT touched_at INTO v_touched FROM {s}.threads WHERE thread_id = p_thread FOR UPDATE;
                IF v_touched IS NOT NULL AND v_touched <= p_cutoff THEN
                    DELETE FROM {s}.writes WHERE thread_id = p_thread;
                    DELETE FROM {s}.chunks WHERE thread_id = p_thread;
                    DELETE FROM {s}.checkpoint_groups WHERE thread_id = p_thread;
                    DELETE FROM {s}.checkpoints WHERE thread_id = p_thread;
                END IF;
                INSERT INTO {s}.threads (thread_id, touched_at) VALUES (p_thread, p_now)
                    ON CONFLICT (thread_id) DO UPDATE SET touched_at = excluded.touched_at;
            END
            $fn$;
            """),
    ];

    /// <summary>The newest schema version.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>
    /// Applies the missing migrations up to <paramref name="target"/> (default: all) in one transaction. Returns how
    /// many were applied. A lower target is for tests that need a schema as an older build left it.
    /// </summary>
    public static async Task<int> ApplyAsync(
        NpgsqlConnection connection, string quotedSchema, CancellationToken cancellationToken, int target = int.MaxValue)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                "SELECT pg_advisory_xact_lock(@class, hashtext(@schema))",
                new NpgsqlParameter<int>("class", LockClass),
                new NpgsqlParameter<string>("schema", quotedSchema)));
            batch.BatchCommands.Add(Command($"CREATE SCHEMA IF NOT EXISTS {quotedSchema}"));
            batch.BatchCommands.Add(Command(
                $"CREATE TABLE IF NOT EXISTS {quotedSchema}.schema_migrations " +
                "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand($"SELECT version FROM {quotedSchema}.schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var (version, sql) in All)
        {
            if (applied.Contains(version) || version > target)
            {
                continue;
            }

            // A plain command: it may hold several statements (a batch command holds one).
            var text = sql.Replace("{s}", quotedSchema, StringComparison.Ordinal) + string.Create(
                CultureInfo.InvariantCulture, $";\nINSERT INTO {quotedSchema}.schema_migrations (version) VALUES ({version})");
            await using var migration = new NpgsqlCommand(text, connection, transaction);
            await migration.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>The schema name in double quotes, after checking it is a plain identifier.</summary>
    public static string QuoteSchema(string schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(schema);
        var valid = schema.Length <= 63 && (char.IsAsciiLetter(schema[0]) || schema[0] == '_') &&
            schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return valid
            ? string.Create(CultureInfo.InvariantCulture, $"\"{schema}\"")
            : throw new ArgumentException(
                $"Schema name '{schema}' is not a plain identifier (a letter or '_', then letters, digits or '_', at most 63).",
                nameof(schema));
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
