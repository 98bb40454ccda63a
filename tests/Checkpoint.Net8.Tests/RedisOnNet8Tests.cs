using Checkpoint.Redis;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>
/// Redis on .NET 8, on the server named by <c>CHECKPOINT_REDIS</c> (scripts/servers.sh, as for Checkpoint.Redis.Tests).
/// A missing variable or server fails the test; it never skips.
/// </summary>
public sealed class RedisOnNet8Tests : IAsyncLifetime
{
    private readonly string _prefix = "ckpt-net8-" + Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer? _connection;

    private static string Configuration => Environment.GetEnvironmentVariable("CHECKPOINT_REDIS") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "CHECKPOINT_REDIS is not set: this test needs a Redis server. Run ./test.sh, or " +
            "`scripts/servers.sh start && set -a && . .tmp/servers.env && set +a` before `dotnet test`.");

    public async Task InitializeAsync()
    {
        var options = ConfigurationOptions.Parse(Configuration);
        options.AbortOnConnectFail = true;
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        foreach (var endpoint in _connection.GetEndPoints())
        {
            await foreach (var key in _connection.GetServer(endpoint).KeysAsync(pattern: _prefix + ":*"))
            {
                await _connection.GetDatabase().KeyDeleteAsync(key);
            }
        }

        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task A_graph_pauses_at_an_interrupt_and_resumes_encrypted() =>
        await ApprovalScenario.RunAsync(serializer =>
            Task.FromResult<Storage.CheckpointSaver>(new RedisCheckpointSaver(
                _connection!, new RedisCheckpointSaverOptions { KeyPrefix = _prefix, Serializer = serializer })));
}
