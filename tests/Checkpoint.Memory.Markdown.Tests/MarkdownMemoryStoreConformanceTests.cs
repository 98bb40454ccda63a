using Checkpoint.Conformance.Memory;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>The memory store conformance suite on a fresh folder per store.</summary>
public sealed class MarkdownMemoryStoreConformanceTests : MemoryStoreConformanceTests, IDisposable
{
    private readonly List<TempFolder> _folders = [];

    protected override bool SupportsEncryption => false;

    protected override Task<MemoryStore> CreateStoreAsync(MemoryStoreOptions options)
    {
        var folder = new TempFolder();
        _folders.Add(folder);
        return Task.FromResult<MemoryStore>(new MarkdownMemoryStore(folder.Path, options));
    }

    protected override Task<MemoryStore?> OpenSharedStoreAsync(MemoryStoreOptions options) =>
        Task.FromResult<MemoryStore?>(new MarkdownMemoryStore(_folders[0].Path, options));

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }
    }
}
