using Checkpoint.Conformance.Encryption;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>The encryption guarantees, scanning every field and member of every key under the saver's prefix.</summary>
public sealed class RedisEncryptedStorageTests : EncryptedStorageTests, IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();
    private IConnectionMultiplexer? _connection;

    protected override CheckpointSaver Open(CheckpointSerializer serializer) =>
        new RedisCheckpointSaver(_connection!, new RedisCheckpointSaverOptions { KeyPrefix = _prefix, Serializer = serializer });

    protected override async Task<IReadOnlyList<byte[]>> RawBytesAsync()
    {
        var db = _connection!.GetDatabase();
        var values = new List<byte[]>();
        var keys = await RedisTestServer.KeysAsync(_connection, _prefix);
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            values.Add(key.ToString().Select(c => (byte)c).ToArray());
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    values.Add((byte[])(await db.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    values.AddRange((await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }));
                    break;
                case RedisType.SortedSet:
                    values.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(m => (byte[])m!));
                    break;
                case RedisType.Set:
                    values.AddRange((await db.SetMembersAsync(key)).Select(m => (byte[])m!));
                    break;
                case RedisType.List:
                    values.AddRange((await db.ListRangeAsync(key)).Select(m => (byte[])m!));
                    break;
                case var other:
                    throw new InvalidOperationException($"Key {key} has type {other}, which this scan does not read.");
            }
        }

        return values;
    }

    async Task IAsyncLifetime.InitializeAsync() => _connection = await RedisTestServer.ConnectionAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_connection is not null)
        {
            await RedisTestServer.DeleteKeysAsync(_connection, _prefix);
        }
    }
}
