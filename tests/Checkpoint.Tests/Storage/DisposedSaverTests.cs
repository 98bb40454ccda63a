using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

public sealed class DisposedSaverTests
{
    [Fact]
    public async Task A_disposed_saver_throws_object_disposed_naming_its_type()
    {
        var saver = new InMemoryCheckpointSaver();
        await saver.DisposeAsync();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.GetAsync("t", "", null));

        Assert.Contains(nameof(InMemoryCheckpointSaver), error.ObjectName, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => saver.ListAsync(new CheckpointFilter()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.PutWritesAsync("t", "", Guid.NewGuid(), []));
    }
}
