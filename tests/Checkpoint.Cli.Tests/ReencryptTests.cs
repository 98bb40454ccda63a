using System.Security.Cryptography;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary><c>ckpt reencrypt</c>: key rotation in place on SQLite and PostgreSQL, with the keys taken from environment variables only.</summary>
public sealed class ReencryptTests : IClassFixture<TestDatabases>, IDisposable
{
    private readonly TestDatabases _databases;
    private readonly byte[] _oldKey = RandomNumberGenerator.GetBytes(32);
    private readonly string _newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _oldVariable = "CKPT_TEST_OLD_" + Guid.NewGuid().ToString("N");
    private readonly string _newVariable = "CKPT_TEST_NEW_" + Guid.NewGuid().ToString("N");

    public ReencryptTests(TestDatabases databases)
    {
        _databases = databases;
        Environment.SetEnvironmentVariable(_oldVariable, Convert.ToBase64String(_oldKey));
        Environment.SetEnvironmentVariable(_newVariable, _newKey);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_oldVariable, null);
        Environment.SetEnvironmentVariable(_newVariable, null);
    }

    [Fact]
    public async Task A_sqlite_database_re_encrypted_reads_with_the_new_key_only_and_a_second_run_rewrites_nothing()
    {
        var db = "sqlite:" + await EncryptedAsync();
        await RotateAndCheckAsync(db);
    }

    [Fact]
    public async Task A_postgres_schema_re_encrypted_reads_with_the_new_key_only_and_a_second_run_rewrites_nothing()
    {
        var connection = TestServers.NewPostgresConnection(out var schema);
        try
        {
            await CopyEncryptedThreadAsync(connection);
            await RotateAndCheckAsync(connection);
        }
        finally
        {
            await TestServers.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Without_the_old_key_it_fails_naming_the_old_key_id()
    {
        var db = "sqlite:" + await EncryptedAsync();
        var (code, output) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--db", db);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(Serialization.Envelope.KeyIdOf(_oldKey), output, StringComparison.Ordinal);
        Assert.DoesNotContain(_newKey, output, StringComparison.Ordinal);

        (code, output) = await Ckpt.RunAsync("reencrypt", "--old-key-env", _oldVariable, "--db", db);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--key-env", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_thread_only_that_thread_is_re_encrypted()
    {
        var path = _databases.NewPath("two-threads");
        await using (var saver = TestDatabases.Encrypted(path, _oldKey))
        {
            await TestDatabases.PausedThreadAsync(saver, "a");
            await TestDatabases.PausedThreadAsync(saver, "b");
        }

        var db = "sqlite:" + path;
        var (code, output) = await Ckpt.RunAsync("reencrypt", "--thread", "a", "--key-env", _newVariable, "--old-key-env", _oldVariable, "--db", db);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Re-encrypted 1 thread", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("verify", "a", "--key-env", _newVariable, "--db", db)).Code);
        Assert.Equal(ExitCodes.Failure, (await Ckpt.RunAsync("verify", "b", "--key-env", _newVariable, "--db", db)).Code);
        Assert.Equal(ExitCodes.Failure, (await Ckpt.RunAsync("reencrypt", "--thread", "nobody", "--key-env", _newVariable, "--db", db)).Code);
    }

    [Fact]
    public async Task The_memory_store_in_the_same_sqlite_file_is_re_encrypted_too()
    {
        var path = await EncryptedAsync();
        var facts = Memory.MemoryNamespace.Of("users", "ana");
        await using (var store = new Sqlite.SqliteMemoryStore(path, Keyed(_oldKey)))
        {
            _ = await store.PutAsync(new Memory.MemoryWrite { Namespace = facts, Key = "city", Content = "Ana lives in Lisbon", SubjectId = "ana" });
            _ = await store.PutAsync(new Memory.MemoryWrite { Namespace = facts, Key = "city", Content = "Ana lives in Porto", SubjectId = "ana" });
        }

        var db = "sqlite:" + path;
        var (code, output) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--old-key-env", _oldVariable, "--db", db);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Re-encrypted the memory store: 1 item and 2 history rows examined, 3 rewritten, 0 already under the key.", Flat(output), StringComparison.Ordinal);
        (code, output) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--db", db);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("the memory store: 1 item and 2 history rows examined, 0 rewritten, 3 already under the key.", Flat(output), StringComparison.Ordinal);

        await using var onlyNew = new Sqlite.SqliteMemoryStore(path, Keyed(Convert.FromBase64String(_newKey)));
        Assert.Equal("Ana lives in Porto", (await onlyNew.GetAsync(facts, "city"))!.Content);
        Assert.Equal(2, (await onlyNew.GetHistoryAsync(facts, "city")).Count);
        var receipt = await onlyNew.EraseSubjectAsync("ana");
        Assert.Equal((1, 2), (receipt.Items, receipt.HistoryRows));
        Assert.Empty(await onlyNew.GetHistoryAsync(facts, "city"));
    }

    [Fact]
    public async Task The_memory_store_in_the_same_postgres_schema_is_re_encrypted_too()
    {
        var connection = TestServers.NewPostgresConnection(out var schema);
        try
        {
            await CopyEncryptedThreadAsync(connection);
            var facts = Memory.MemoryNamespace.Of("users", "ana");
            var postgres = new Postgres.PostgresMemoryStoreOptions { Schema = schema, UsePgVector = false };
            await using (var store = new Postgres.PostgresMemoryStore(TestServers.Postgres, Keyed(_oldKey), postgres))
            {
                _ = await store.PutAsync(new Memory.MemoryWrite { Namespace = facts, Key = "city", Content = "Ana lives in Lisbon", SubjectId = "ana" });
            }

            var (code, output) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--old-key-env", _oldVariable, "--db", connection);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("Re-encrypted the memory store: 1 item and 1 history row examined, 2 rewritten, 0 already under the key.", Flat(output), StringComparison.Ordinal);
            await using var onlyNew = new Postgres.PostgresMemoryStore(TestServers.Postgres, Keyed(Convert.FromBase64String(_newKey)), postgres);
            Assert.Equal("Ana lives in Lisbon", (await onlyNew.GetAsync(facts, "city"))!.Content);
        }
        finally
        {
            await TestServers.DropSchemaAsync(schema);
        }
    }

    /// <summary>Copies the encrypted SQLite thread of <see cref="EncryptedAsync"/> into the PostgreSQL database <paramref name="connection"/> (export, import).</summary>
    private async Task CopyEncryptedThreadAsync(string connection)
    {
        var source = await EncryptedAsync();
        var file = Path.Combine(_databases.Root, $"{Guid.NewGuid():N}.jsonl");
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("export", "t", "-o", file, "--key-env", _oldVariable, "--db", "sqlite:" + source)).Code);
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("import", file, "--key-env", _oldVariable, "--db", connection)).Code);
    }

    private static Memory.MemoryStoreOptions Keyed(byte[] key, params byte[][] older) =>
        new() { Serializer = new Serialization.CheckpointSerializer(new Serialization.SerializerOptions { EncryptionKey = key, DecryptionKeys = older }) };

    /// <summary>Rotates <paramref name="db"/> from the old key to the new one, then reads it with the new key alone.</summary>
    private async Task RotateAndCheckAsync(string db)
    {
        var (_, before) = await Ckpt.RunAsync("show", "t", "--json", "--key-env", _oldVariable, "--db", db);

        // Comma-separated old keys: an unused one does no harm.
        var spare = "CKPT_TEST_SPARE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(spare, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        try
        {
            var (code, output) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--old-key-env", $"{_oldVariable},{spare}", "--db", db);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Matches(@"Re-encrypted 1 thread \(\d+ checkpoints\) under key id [0-9a-f]+: (\d+) blobs examined, \1 rewritten, 0 already under the key\.", Flat(output));
            Assert.DoesNotContain(_newKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(_oldKey), output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(spare, null);
        }

        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("verify", "--key-env", _newVariable, "--db", db)).Code);
        var (showCode, after) = await Ckpt.RunAsync("show", "t", "--json", "--key-env", _newVariable, "--db", db);
        Assert.Equal(ExitCodes.Ok, showCode);
        Assert.Equal(before, after);
        Assert.Equal(ExitCodes.Failure, (await Ckpt.RunAsync("show", "t", "--key-env", _oldVariable, "--db", db)).Code);

        var (againCode, again) = await Ckpt.RunAsync("reencrypt", "--key-env", _newVariable, "--db", db);
        Assert.Equal(ExitCodes.Ok, againCode);
        Assert.Matches(@": (\d+) blobs examined, 0 rewritten, \1 already under the key\.", Flat(again));
    }

    private static string Flat(string output) => output.ReplaceLineEndings(" ");

    private async Task<string> EncryptedAsync()
    {
        var path = _databases.NewPath("rotated");
        await using var saver = TestDatabases.Encrypted(path, _oldKey);
        await TestDatabases.PausedThreadAsync(saver, "t", "What is 9 x 9?");
        return path;
    }
}
