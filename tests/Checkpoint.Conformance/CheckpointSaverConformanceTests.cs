using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance;

/// <summary>
/// The conformance suite every saver passes. A saver's test class inherits it and only supplies
/// <see cref="CreateSaverAsync"/>; every test gets a fresh, empty store.
/// </summary>
public abstract partial class CheckpointSaverConformanceTests : IAsyncLifetime
{
    private CheckpointSaver? _saver;

    /// <summary>The saver under test, fresh and empty for each test.</summary>
    protected CheckpointSaver Saver => _saver ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty saver for one test (a new file, schema or key prefix).</summary>
    protected abstract Task<CheckpointSaver> CreateSaverAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _saver = await CreateSaverAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_saver is not null)
        {
            await _saver.DisposeAsync();
        }
    }
}
