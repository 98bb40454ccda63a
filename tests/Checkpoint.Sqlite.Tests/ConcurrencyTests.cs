using System.Collections.Concurrent;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private const int Writers = 8;
    private const int StepsPerWriter = 50;
    private const int SharedPerWriter = 5;

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Eight_savers_writing_one_file_at_once_never_fail_and_every_checkpoint_is_readable()
    {
        var errors = new ConcurrentQueue<Exception>();
        var written = new ConcurrentBag<CheckpointRecord>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await start.Task;
            await using var saver = _database.CreateSaver();
            try
            {
                var threadId = $"writer-{writer}";
                var blobId = Guid.NewGuid();
                Guid? parent = null;
                for (var step = 0; step < StepsPerWriter; step++)
                {
                    var record = TestRecords.Checkpoint(threadId, parent, step, blobId);
                    await saver.PutAsync(record, [TestRecords.Chunk(blobId, step)], PutMode.Continue);
                    written.Add(record);
                    parent = record.Id;
                    if (step % (StepsPerWriter / SharedPerWriter) == 0)
                    {
                        var shared = TestRecords.Checkpoint("shared", null, step);
                        await saver.PutAsync(shared, [], PutMode.Branch);
                        written.Add(shared);
                    }
                }
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToArray();

        start.SetResult();
        await Task.WhenAll(writers);

        Assert.Empty(errors);
        await using var reader = _database.CreateSaver();
        foreach (var record in written)
        {
            var tuple = await reader.GetByIdAsync(record.Id);
            Assert.NotNull(tuple);
            Assert.Equal(record.ThreadId, tuple.Checkpoint.ThreadId);
            Assert.Equal(record.ParentId, tuple.Checkpoint.ParentId);
            Assert.Equal(record.Step, tuple.Checkpoint.Step);
        }

        for (var writer = 0; writer < Writers; writer++)
        {
            var thread = await ToListAsync(reader.ListAsync(new CheckpointFilter { ThreadId = $"writer-{writer}" }));
            Assert.Equal(StepsPerWriter, thread.Count);
            var latest = thread[0].Checkpoint;
            var chunks = await reader.ReadChunksAsync(latest.ThreadId, "", latest.Channels["messages"].Runs);
            Assert.Equal(Enumerable.Range(0, StepsPerWriter), chunks.Select(chunk => chunk.Sequence));
        }

        var shared = await ToListAsync(reader.ListAsync(new CheckpointFilter { ThreadId = "shared" }));
        Assert.Equal(Writers * SharedPerWriter, shared.Count);
    }

    [Fact]
    public async Task Many_tasks_on_one_saver_share_its_connections()
    {
        await using var saver = _database.CreateSaver();
        var tasks = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            Guid? parent = null;
            for (var step = 0; step < 10; step++)
            {
                var record = TestRecords.Checkpoint($"worker-{worker}", parent, step);
                await saver.PutAsync(record, [], PutMode.Continue);
                await saver.PutWritesAsync(record.ThreadId, "", record.Id, [new PendingWrite("task", "node", 0, "channel", [1, 2, 3])]);
                var latest = await saver.GetAsync(record.ThreadId, "", null);
                Assert.Equal(record.Id, latest?.Checkpoint.Id);
                Assert.Single(latest!.PendingWrites);
                parent = record.Id;
            }
        })).ToArray();

        await Task.WhenAll(tasks);

        var all = await ToListAsync(saver.ListAsync(new CheckpointFilter()));
        Assert.Equal(160, all.Count);
        Assert.Equal(all.Select(tuple => tuple.Checkpoint.Id).OrderDescending(CheckpointIdComparer.Instance), all.Select(tuple => tuple.Checkpoint.Id));
    }

    [Fact]
    public async Task Two_savers_racing_to_continue_the_same_parent_one_wins_one_conflicts()
    {
        await using var first = _database.CreateSaver();
        await using var second = _database.CreateSaver();
        var root = TestRecords.Checkpoint("race", null, 0);
        await first.PutAsync(root, [], PutMode.Continue);
        var parent = root;
        for (var round = 1; round <= 20; round++)
        {
            await first.PutWritesAsync("race", "", parent.Id, [new PendingWrite("t", "n", 0, "c", [7])]);
            var left = TestRecords.Checkpoint("race", parent.Id, round);
            var right = TestRecords.Checkpoint("race", parent.Id, round);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var leftPut = Task.Run(async () => { await start.Task; await first.PutAsync(left, [], PutMode.Continue); });
            var rightPut = Task.Run(async () => { await start.Task; await second.PutAsync(right, [], PutMode.Continue); });
            start.SetResult();
            var outcomes = await Task.WhenAll(Outcome(leftPut), Outcome(rightPut));

            Assert.Single(outcomes, outcome => outcome is null);
            var conflict = Assert.IsType<CheckpointConflictException>(Assert.Single(outcomes, outcome => outcome is not null));
            Assert.Equal(parent.Id, conflict.ParentId);
            var winner = outcomes[0] is null ? left : right;
            var loser = outcomes[0] is null ? right : left;
            Assert.NotNull(await first.GetByIdAsync(winner.Id));
            Assert.Null(await second.GetByIdAsync(loser.Id));
            var consumed = await first.GetByIdAsync(parent.Id);
            Assert.Empty(consumed!.PendingWrites);
            parent = winner;
        }
    }

    private static async Task<Exception?> Outcome(Task put)
    {
        try
        {
            await put;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static async Task<List<CheckpointTuple>> ToListAsync(IAsyncEnumerable<CheckpointTuple> tuples)
    {
        var list = new List<CheckpointTuple>();
        await foreach (var tuple in tuples)
        {
            list.Add(tuple);
        }

        return list;
    }
}
