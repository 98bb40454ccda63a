namespace Checkpoint.Cli.Connections;

/// <summary>Which saver a connection argument names.</summary>
internal enum StoreKind
{
    Sqlite,
    Postgres,
    Redis,
}
