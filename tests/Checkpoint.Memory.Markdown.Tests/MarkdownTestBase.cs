using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>A temporary root, a fake clock, a recording generator and helpers to open stores on the root.</summary>
public abstract class MarkdownTestBase : IAsyncLifetime
{
    private readonly List<MemoryStore> _stores = [];

    protected TempFolder Root { get; } = new();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 9, 30, 0, TimeSpan.Zero));

    protected RecordingEmbeddingGenerator Embeddings { get; } = new();

    protected static MemoryNamespace Users42 { get; } = MemoryNamespace.Of("users", "42");

    /// <summary>A store on the root (another instance each call, like another process).</summary>
    protected MarkdownMemoryStore Open(MarkdownMemoryStoreOptions? markdown = null, bool embeddings = true)
    {
        var store = new MarkdownMemoryStore(Root.Path, new MemoryStoreOptions { TimeProvider = Clock, Embeddings = embeddings ? Embeddings : null }, markdown);
        _stores.Add(store);
        return store;
    }

    protected string ReadFile(params string[] parts) => File.ReadAllText(Root[parts]);

    /// <summary>Rewrites a file as a person would, making sure its last-write time moves.</summary>
    protected void Edit(string[] parts, Func<string, string> change)
    {
        var path = Root[parts];
        var before = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, change(File.Exists(path) ? File.ReadAllText(path) : ""));
        if (File.GetLastWriteTimeUtc(path) == before)
        {
            File.SetLastWriteTimeUtc(path, before.AddSeconds(1));
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Root.Dispose();
    }
}
