using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>RepackAsync on Redis, with a fresh key prefix per test shared by every saver instance of the test.</summary>
public sealed class RedisRepackTests : RepackTests, IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();

    protected override async Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer) =>
        new RedisCheckpointSaver(await RedisTestServer.ConnectionAsync(), new RedisCheckpointSaverOptions { KeyPrefix = _prefix, Serializer = serializer });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await RedisTestServer.DeleteKeysAsync(await RedisTestServer.ConnectionAsync(), _prefix);
    }
}
