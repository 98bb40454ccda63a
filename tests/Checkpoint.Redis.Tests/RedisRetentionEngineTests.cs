using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>Retention on engine-written threads, on Redis, with a fresh key prefix per test.</summary>
public sealed class RedisRetentionEngineTests : RetentionEngineTests, IAsyncLifetime
{
    private string? _prefix;

    protected override async Task<CheckpointSaver> CreateSaverAsync()
    {
        var (saver, prefix) = await RedisTestServer.NewSaverAsync();
        _prefix = prefix;
        return saver;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_prefix is not null)
        {
            await RedisTestServer.DeleteKeysAsync(await RedisTestServer.ConnectionAsync(), _prefix);
        }
    }
}
