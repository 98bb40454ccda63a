using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

public sealed class RedisConcurrencyTests : IAsyncLifetime
{
    private readonly List<IConnectionMultiplexer> _clients = [];
    private string _prefix = "";

    public async Task InitializeAsync()
    {
        _prefix = RedisTestServer.NewPrefix();
        for (var i = 0; i < 8; i++)
        {
            _clients.Add(await RedisTestServer.ConnectAsync());
        }
    }

    public async Task DisposeAsync()
    {
        await RedisTestServer.DeleteKeysAsync(_clients[0], _prefix);
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_racing_continues_from_one_parent_exactly_one_wins()
    {
        var first = Saver(0);
        var second = Saver(1);
        for (var round = 0; round < 25; round++)
        {
            var thread = $"race-{round}";
            var root = Records.New(thread);
            await first.PutAsync(root, [], PutMode.Continue);
            await first.PutWritesAsync(thread, "", root.Id, [Records.Write("t")]);
            var a = Records.New(thread, root.Id, step: 1);
            var b = Records.New(thread, root.Id, step: 1);

            var results = await Task.WhenAll(TryPutAsync(first, a), TryPutAsync(second, b));

            Assert.Single(results, ok => ok);
            Assert.Single(results, ok => !ok);
            var stored = await ListAsync(first, thread);
            Assert.Equal(2, stored.Count);
            Assert.Equal(root.Id, stored[0].Checkpoint.ParentId);
            Assert.Empty(stored[1].PendingWrites); // consumed by the winner
        }
    }

    [Fact]
    public async Task Racing_first_checkpoints_of_an_empty_thread_exactly_one_wins()
    {
        var puts = Enumerable.Range(0, 8).Select(i => TryPutAsync(Saver(i), Records.New("empty"))).ToList();
        var results = await Task.WhenAll(puts);
        Assert.Single(results, ok => ok);
        Assert.Single(await ListAsync(Saver(0), "empty"));
    }

    [Fact]
    public async Task Eight_parallel_writers_on_one_thread_build_one_linear_chain()
    {
        const int StepsPerWriter = 12;
        var root = Records.New("shared");
        await Saver(0).PutAsync(root, [], PutMode.Continue);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var saver = Saver(w);
            var done = 0;
            while (done < StepsPerWriter)
            {
                var latest = (await saver.GetAsync("shared", "", null))!.Checkpoint;
                try
                {
                    await saver.PutAsync(Records.New("shared", latest.Id, step: latest.Step + 1), [], PutMode.Continue);
                    done++;
                }
                catch (CheckpointConflictException)
                {
                    // Another writer continued this checkpoint first: read the new latest and retry.
                }
            }
        })).ToList();
        await Task.WhenAll(writers);

        var chain = await ListAsync(Saver(0), "shared");
        Assert.Equal((8 * StepsPerWriter) + 1, chain.Count);
        for (var i = 0; i < chain.Count - 1; i++)
        {
            Assert.Equal(chain[i + 1].Checkpoint.Id, chain[i].Checkpoint.ParentId); // no fork, no lost update
            Assert.Equal(chain[i + 1].Checkpoint.Step + 1, chain[i].Checkpoint.Step);
        }

        Assert.Null(chain[^1].Checkpoint.ParentId);
    }

    [Fact]
    public async Task Eight_parallel_writers_on_their_own_threads_do_not_interfere()
    {
        const int Steps = 20;
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var saver = Saver(w);
            var thread = $"own-{w}";
            var blob = Guid.NewGuid();
            Guid? parent = null;
            for (var step = 0; step < Steps; step++)
            {
                var record = Records.New(thread, parent, step: step, blob: blob, end: step + 1);
                await saver.PutAsync(record, [Records.Chunk(blob, step)], PutMode.Continue);
                await saver.PutWritesAsync(thread, "", record.Id, [Records.Write("t", 0), Records.Write("t", 1)]);
                parent = record.Id;
            }

            return (thread, blob);
        })).ToList();
        var threads = await Task.WhenAll(writers);

        var all = 0;
        await foreach (var tuple in Saver(0).ListAsync(new CheckpointFilter()))
        {
            all++;
        }

        Assert.Equal(8 * Steps, all);
        foreach (var (thread, blob) in threads)
        {
            var list = await ListAsync(Saver(0), thread);
            Assert.Equal(Steps, list.Count);
            Assert.Equal(2, list[0].PendingWrites.Count);
            Assert.All(list.Skip(1), tuple => Assert.Empty(tuple.PendingWrites));
            var chunks = await Saver(0).ReadChunksAsync(thread, "", [new BlobRun(blob, Steps)]);
            Assert.Equal(Enumerable.Range(0, Steps), chunks.Select(chunk => chunk.Sequence));
        }
    }

    private RedisCheckpointSaver Saver(int client) =>
        new(_clients[client], new RedisCheckpointSaverOptions { KeyPrefix = _prefix });

    private static async Task<bool> TryPutAsync(CheckpointSaver saver, CheckpointRecord record)
    {
        try
        {
            await saver.PutAsync(record, [], PutMode.Continue);
            return true;
        }
        catch (CheckpointConflictException)
        {
            return false;
        }
    }

    private static async Task<List<CheckpointTuple>> ListAsync(CheckpointSaver saver, string thread)
    {
        var list = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = thread }))
        {
            list.Add(tuple);
        }

        return list;
    }
}
