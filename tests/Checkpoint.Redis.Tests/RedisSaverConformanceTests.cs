using Checkpoint.Conformance;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>The shared conformance suite on Redis, with a fresh key prefix per test (deleted afterwards).</summary>
public class RedisSaverConformanceTests : CheckpointSaverConformanceTests, IAsyncLifetime
{
    private string? _prefix;

    /// <summary>Thread TTL of the saver under test (none here).</summary>
    protected virtual TimeSpan? ThreadTimeToLive => null;

    protected override async Task<CheckpointSaver> CreateSaverAsync()
    {
        var (saver, prefix) = await RedisTestServer.NewSaverAsync(ThreadTimeToLive);
        _prefix = prefix;
        return saver;
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_prefix is not null)
        {
            await RedisTestServer.DeleteKeysAsync(await RedisTestServer.ConnectionAsync(), _prefix);
        }
    }
}
