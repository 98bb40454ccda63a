using Checkpoint.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Tests.Serialization;

public sealed class CheckpointIdsTests
{
    [Fact]
    public void New_ids_are_strictly_increasing_over_100k_calls()
    {
        var previous = CheckpointIds.NewId();
        for (var i = 0; i < 100_000; i++)
        {
            var next = CheckpointIds.NewId();
            Assert.True(CheckpointIdComparer.Instance.Compare(previous, next) < 0, $"id {i}: {next} is not after {previous}");
            Assert.True(previous.CompareTo(next) < 0, $"id {i}: Guid.CompareTo disagrees with byte order");
            previous = next;
        }
    }

    [Fact]
    public void New_ids_are_version_7_with_the_rfc_variant()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = CheckpointIds.NewId();
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.ToByteArray(bigEndian: true)[8] >> 6);
        }
    }

    [Fact]
    public void Ids_from_a_frozen_clock_still_increase()
    {
        // A clock stuck in the past: every id has to step past the last one.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(30));
        var ids = Enumerable.Range(0, 1000).Select(_ => CheckpointIds.NewId(clock)).ToList();

        Assert.Equal(ids, ids.Order(CheckpointIdComparer.Instance));
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
    }

    [Fact]
    public void Id_embeds_the_clock_time_in_milliseconds()
    {
        // Slightly ahead of the system clock, so the id is not stepped past an earlier one.
        var at = DateTimeOffset.UtcNow.AddMinutes(10);
        var id = CheckpointIds.NewId(new FakeTimeProvider(at));

        var bytes = id.ToByteArray(bigEndian: true);
        var millis = 0L;
        for (var i = 0; i < 6; i++)
        {
            millis = (millis << 8) | bytes[i];
        }

        Assert.Equal(at.ToUnixTimeMilliseconds(), millis);
    }
}
