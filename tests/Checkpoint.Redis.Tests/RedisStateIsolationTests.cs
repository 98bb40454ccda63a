using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>The state isolation and state type checks on Redis, with a fresh key prefix per test.</summary>
public sealed class RedisStateIsolationTests : StateIsolationTests, IAsyncLifetime
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
