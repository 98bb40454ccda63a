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
        var values = await RedisTestServer.AllStoredBytesAsync(_connection!, _prefix);
        Assert.NotEmpty(values);
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
