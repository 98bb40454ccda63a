using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Errors about the file itself name it, and say what to pass.</summary>
public sealed class SqliteSaverErrorTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_plain_path_is_accepted_as_the_database_file()
    {
        await using (var saver = new SqliteCheckpointSaver(_database.Path))
        {
            await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);
            Assert.Equal(_database.Path, saver.DatabasePath);
        }

        Assert.True(File.Exists(_database.Path));
        await using var reopened = _database.CreateSaver();
        Assert.NotNull(await reopened.GetAsync("t", "", null));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_named_with_what_to_pass()
    {
        await File.WriteAllTextAsync(_database.Path, "these are my notes, not a database; they are long enough to fill a header page");
        await using var saver = new SqliteCheckpointSaver(_database.Path);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => saver.GetAsync("t", "", null));

        Assert.Contains(_database.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Contains("Data Source=", error.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(error.InnerException);
    }

    [Fact]
    public async Task A_file_that_cannot_be_opened_is_named()
    {
        var path = Path.Combine(Path.GetDirectoryName(_database.Path)!, "missing-directory", "agent.db");
        await using var saver = new SqliteCheckpointSaver($"Data Source={path}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => saver.InitializeAsync());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("directory exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_that_is_neither_path_nor_connection_string_says_what_to_pass()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteCheckpointSaver("Data Source=x.db;Nonsense Key=1"));
        Assert.Contains("Data Source=path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_disposed_saver_names_itself_and_its_file(bool usedBefore)
    {
        var saver = _database.CreateSaver();
        if (usedBefore)
        {
            await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);
        }

        await saver.DisposeAsync();

        foreach (var call in new Func<Task>[]
        {
            () => saver.GetAsync("t", "", null),
            () => saver.InitializeAsync(),
            () => saver.PutAsync(TestRecords.Checkpoint("t", null, 1), [], PutMode.Continue),
            async () => await saver.ListAsync(new CheckpointFilter()).ToListAsync(),
        })
        {
            var error = await Assert.ThrowsAsync<ObjectDisposedException>(call);
            Assert.Contains(nameof(SqliteCheckpointSaver), error.ObjectName, StringComparison.Ordinal);
            Assert.Contains(_database.Path, error.ObjectName, StringComparison.Ordinal);
        }

        await saver.DisposeAsync(); // twice is fine
    }
}
