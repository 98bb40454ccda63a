using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>Listing merges many id sets and pages through them (pages are 64 ids).</summary>
public sealed class RedisListPagingTests : IAsyncLifetime
{
    private IConnectionMultiplexer _connection = null!;
    private RedisCheckpointSaver _saver = null!;
    private string _prefix = "";
    private readonly List<CheckpointRecord> _all = [];

    public async Task InitializeAsync()
    {
        _connection = await RedisTestServer.ConnectionAsync();
        (_saver, _prefix) = await RedisTestServer.NewSaverAsync();

        // 3 threads x 2 namespaces, interleaved in time so every page mixes sources.
        var parents = new Dictionary<(string, string), Guid?>();
        for (var step = 0; step < 50; step++)
        {
            foreach (var thread in new[] { "a", "b", "c" })
            {
                foreach (var ns in new[] { "", "sub" })
                {
                    var record = Records.New(thread, parents.GetValueOrDefault((thread, ns)), ns, step);
                    await _saver.PutAsync(record, [], PutMode.Continue);
                    parents[(thread, ns)] = record.Id;
                    _all.Add(record);
                }
            }
        }
    }

    public Task DisposeAsync() => RedisTestServer.DeleteKeysAsync(_connection, _prefix);

    [Fact]
    public async Task Everything_comes_back_newest_first()
    {
        var listed = await ListAsync(new CheckpointFilter());
        Assert.Equal(_all.Select(r => r.Id).Reverse(), listed);
    }

    [Fact]
    public async Task Thread_namespace_before_limit_and_metadata_combine()
    {
        var before = _all[200].Id;
        var expected = _all.Take(200).Where(r => r.ThreadId == "b").Select(r => r.Id).Reverse().Take(70).ToList();
        Assert.Equal(expected, await ListAsync(new CheckpointFilter { ThreadId = "b", Before = before, Limit = 70 }));

        var sub = _all.Where(r => r.Namespace == "sub").Select(r => r.Id).Reverse().ToList();
        Assert.Equal(sub, await ListAsync(new CheckpointFilter { Namespace = "sub" }));

        var step7 = _all.Where(r => r.Step == 7).Select(r => r.Id).Reverse().Take(4).ToList();
        Assert.Equal(step7, await ListAsync(new CheckpointFilter { Metadata = new Dictionary<string, string> { ["step"] = "7" }, Limit = 4 }));
    }

    private async Task<List<Guid>> ListAsync(CheckpointFilter filter)
    {
        var ids = new List<Guid>();
        await foreach (var tuple in _saver.ListAsync(filter))
        {
            ids.Add(tuple.Checkpoint.Id);
        }

        return ids;
    }
}
