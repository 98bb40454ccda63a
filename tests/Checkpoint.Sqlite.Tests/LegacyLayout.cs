namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The table layout of builds before the table prefix, verbatim from their migrations: files in the
/// wild look like this, whatever the current schema code says.
/// </summary>
internal static class LegacyLayout
{
    public const string Version1 =
        """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE names (
            id INTEGER PRIMARY KEY,
            owner INTEGER NOT NULL,
            name NOT NULL,
            UNIQUE (owner, name));
        CREATE TABLE checkpoints (
            scope INTEGER NOT NULL,
            id BLOB NOT NULL,
            parent BLOB,
            body BLOB NOT NULL,
            PRIMARY KEY (scope, id)) WITHOUT ROWID;
        CREATE TABLE chunks (
            chunk INTEGER PRIMARY KEY,
            data BLOB NOT NULL);
        CREATE TABLE writes (
            scope INTEGER NOT NULL,
            checkpoint BLOB NOT NULL,
            task TEXT NOT NULL,
            idx INTEGER NOT NULL,
            node TEXT NOT NULL,
            channel TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (scope, checkpoint, task, idx)) WITHOUT ROWID;
        INSERT INTO schema_version (version) VALUES (1);
        """;

    public const string Version2 = Version1 +
        """

        CREATE UNIQUE INDEX checkpoints_by_id ON checkpoints (id);
        UPDATE schema_version SET version = 2;
        """;

    public static readonly string[] Tables = ["names", "checkpoints", "chunks", "writes", "schema_version"];
}
