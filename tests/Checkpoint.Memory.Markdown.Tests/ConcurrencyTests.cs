using System.Globalization;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>Several store instances on one folder (as several processes would be) lose no update.</summary>
public sealed class ConcurrencyTests : MarkdownTestBase
{
    [Fact]
    public async Task Two_instances_incrementing_one_counter_with_version_checks_lose_no_update()
    {
        var stores = new[] { Open(), Open() };
        await stores[0].PutAsync(new MemoryWrite { Namespace = Users42, Key = "counter", Content = "0" });

        await Task.WhenAll(stores.Select(store => Task.Run(() => IncrementAsync(store, Users42, "counter", 50))));

        var final = await Open().GetAsync(Users42, "counter");
        Assert.Equal(("100", 101L), (final!.Content, final.Version));
    }

    [Fact]
    public async Task Two_instances_writing_different_keys_of_one_file_keep_every_key()
    {
        var stores = new[] { Open(), Open() };

        await Task.WhenAll(stores.Select((store, s) => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = $"s{s}-{i}", Content = $"fact {i} of writer {s}" });
            }
        })));

        var all = await Open().SearchAsync(new MemorySearch { NamespacePrefix = Users42, Limit = 100 });
        Assert.Equal(60, all.Count);
    }

    [Fact]
    public async Task A_writer_that_cannot_get_the_lock_fails_with_an_error_naming_the_lock_file()
    {
        var store = Open(new MarkdownMemoryStoreOptions { LockTimeout = TimeSpan.FromMilliseconds(100) });
        using (new FileStream(Root[".memory.lock"], FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "k", Content = "x" }));
            Assert.Contains(Root[".memory.lock"], error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, (await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "k", Content = "x" })).Version);
    }

    /// <summary>Adds 1 to the number stored at the key, <paramref name="times"/> times, retrying on conflicts.</summary>
    internal static async Task IncrementAsync(MemoryStore store, MemoryNamespace memoryNamespace, string key, int times)
    {
        for (var done = 0; done < times;)
        {
            var current = await store.GetAsync(memoryNamespace, key);
            var next = (int.Parse(current!.Content, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                await store.PutAsync(new MemoryWrite { Namespace = memoryNamespace, Key = key, Content = next, ExpectedVersion = current.Version });
                done++;
            }
            catch (MemoryConflictException)
            {
                // another writer got there first: read again
            }
        }
    }
}
