using Checkpoint.Conformance;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Values over the serializer's limits fail the run cleanly on SQLite too, leaving the last checkpoint readable.</summary>
public sealed class ValueLimitTests : IAsyncLifetime, IDisposable
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

    [Theory]
    [InlineData(Durability.Sync, false)]
    [InlineData(Durability.Exit, false)]
    [InlineData(Durability.Async, true)]
    public Task A_cyclic_value_fails_the_run_naming_the_channel_and_keeps_the_last_checkpoint(Durability durability, bool parallel) =>
        LimitScenarios.CyclicValueFailsTheRunAndKeepsTheLastCheckpointAsync(_saver, durability, parallel);

    [Fact]
    public Task A_600_deep_value_is_refused_by_default_and_round_trips_under_a_raised_limit() =>
        LimitScenarios.DeepValueIsRefusedUnlessTheLimitIsRaisedAsync(_saver);
}
