using Xunit;

namespace Checkpoint.Redis.Tests;

public sealed class RedisDisposedTests
{
    [Fact]
    public async Task A_disposed_saver_names_itself_its_server_and_prefix()
    {
        var connection = await RedisTestServer.ConnectionAsync();
        var saver = new RedisCheckpointSaver(connection, new RedisCheckpointSaverOptions { KeyPrefix = "disposed-test" });
        await saver.DisposeAsync();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.GetAsync("thread", "", null));

        Assert.Contains(nameof(RedisCheckpointSaver), error.ObjectName, StringComparison.Ordinal);
        Assert.Contains("disposed-test", error.ObjectName, StringComparison.Ordinal);
        Assert.Contains(connection.GetEndPoints()[0].ToString()!, error.ObjectName, StringComparison.Ordinal);
    }
}
