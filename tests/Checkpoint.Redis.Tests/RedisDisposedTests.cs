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

    [Fact]
    public async Task A_saver_connected_from_a_configuration_string_works_and_closes_its_connection_when_disposed()
    {
        var name = "owned-" + Guid.NewGuid().ToString("N")[..12];
        var configuration = RedisTestServer.Configuration + ",name=" + name;
        var prefix = RedisTestServer.NewPrefix();
        var saver = await RedisCheckpointSaver.ConnectAsync(configuration, new RedisCheckpointSaverOptions { KeyPrefix = prefix });
        await using var observer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisTestServer.Configuration + ",allowAdmin=true");
        var server = observer.GetServer(observer.GetEndPoints()[0]);

        var graph = new StateGraph<Counter>()
            .AddNode("add", s => new Update<Counter>().Set(x => x.Value, s.Value + 1))
            .AddEdge(Graph.Start, "add").AddEdge("add", Graph.End)
            .Compile(saver);
        Assert.Equal(2, (await graph.InvokeAsync(new Counter { Value = 1 }, RunConfig.ForThread("t"))).Value);
        Assert.Contains(await server.ClientListAsync(), client => client.Name == name);

        await saver.DisposeAsync();

        // The server drops a closed client as soon as it reads the end of its socket: wait for that, boundedly.
        for (var i = 0; i < 100 && (await server.ClientListAsync()).Any(client => client.Name == name); i++)
        {
            await Task.Delay(50);
        }

        Assert.DoesNotContain(await server.ClientListAsync(), client => client.Name == name);
        await RedisTestServer.DeleteKeysAsync(observer, prefix);
    }

    public sealed class Counter
    {
        public int Value { get; set; }
    }
}
