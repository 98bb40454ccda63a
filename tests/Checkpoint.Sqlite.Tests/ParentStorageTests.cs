using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The parent column is stored implicitly when the parent is the previous checkpoint of the scope;
/// these cases change what "previous" means and must not change any parent read back.
/// </summary>
public sealed class ParentStorageTests : IAsyncLifetime, IDisposable
{
    private readonly TempDatabase _database = new();
    private SqliteCheckpointSaver _saver = null!;

    public Task InitializeAsync()
    {
        _saver = _database.CreateSaver();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _saver.DisposeAsync();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_checkpoint_stored_late_with_an_older_id_changes_no_parent()
    {
        var a = TestRecords.Checkpoint("t", null, 0);
        var late = TestRecords.Checkpoint("t", a.Id, 1);
        var b = TestRecords.Checkpoint("t", a.Id, 1);
        var c = TestRecords.Checkpoint("t", b.Id, 2);
        var orphan = TestRecords.Checkpoint("t", null, 3);
        var lateOrphan = TestRecords.Checkpoint("t", null, 4);
        var d = TestRecords.Checkpoint("t", orphan.Id, 5);
        await _saver.PutAsync(a, [], PutMode.Continue);
        await _saver.PutAsync(b, [], PutMode.Continue);
        await _saver.PutAsync(c, [], PutMode.Continue);
        await _saver.PutAsync(orphan, [], PutMode.Branch);
        await _saver.PutAsync(d, [], PutMode.Continue);
        await _saver.PutAsync(late, [], PutMode.Branch);
        await _saver.PutAsync(lateOrphan, [], PutMode.Branch);

        foreach (var record in new[] { a, late, b, c, orphan, lateOrphan, d })
        {
            Assert.Equal(record.ParentId, (await _saver.GetByIdAsync(record.Id))!.Checkpoint.ParentId);
            Assert.Equal(record.ParentId, (await _saver.GetAsync("t", "", record.Id))!.Checkpoint.ParentId);
        }

        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter()))
        {
            var expected = new[] { a, late, b, c, orphan, lateOrphan, d }.Single(r => r.Id == tuple.Checkpoint.Id);
            Assert.Equal(expected.ParentId, tuple.Checkpoint.ParentId);
        }
    }

    [Fact]
    public async Task Continue_is_no_conflict_when_the_next_checkpoint_is_not_a_child()
    {
        var a = TestRecords.Checkpoint("t", null, 0);
        var unrelated = TestRecords.Checkpoint("t", null, 1);
        await _saver.PutAsync(a, [], PutMode.Continue);
        await _saver.PutAsync(unrelated, [], PutMode.Branch);

        var child = TestRecords.Checkpoint("t", a.Id, 1);
        await _saver.PutAsync(child, [], PutMode.Continue);

        await Assert.ThrowsAsync<CheckpointConflictException>(
            () => _saver.PutAsync(TestRecords.Checkpoint("t", a.Id, 1), [], PutMode.Continue));
        Assert.Equal(a.Id, (await _saver.GetByIdAsync(child.Id))!.Checkpoint.ParentId);
        Assert.Null((await _saver.GetByIdAsync(unrelated.Id))!.Checkpoint.ParentId);
    }

    [Fact]
    public async Task Prune_and_copy_keep_every_parent()
    {
        var records = new List<CheckpointRecord>();
        Guid? parent = null;
        for (var step = 0; step < 6; step++)
        {
            var record = TestRecords.Checkpoint("t", parent, step);
            await _saver.PutAsync(record, [], PutMode.Continue);
            records.Add(record);
            parent = record.Id;
        }

        Assert.Equal(3, await _saver.PruneAsync("t", RetentionPolicy.Latest(3)));
        foreach (var record in records.Skip(3))
        {
            Assert.Equal(record.ParentId, (await _saver.GetByIdAsync(record.Id))!.Checkpoint.ParentId);
        }

        await _saver.CopyThreadAsync("t", "copy");
        var copies = new List<CheckpointRecord>();
        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter { ThreadId = "copy" }))
        {
            copies.Add(tuple.Checkpoint);
        }

        Assert.Equal(3, copies.Count);
        Assert.Equal(copies[1].Id, copies[0].ParentId);
        Assert.Equal(copies[2].Id, copies[1].ParentId);
        Assert.Equal(records[2].Id, copies[2].ParentId);
    }
}
