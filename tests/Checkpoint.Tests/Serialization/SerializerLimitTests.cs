using Checkpoint.Conformance;
using Checkpoint.Serialization;

namespace Checkpoint.Tests.Serialization;

/// <summary>Writing and reading apply the same MaxDepth and MaxValueBytes, so nothing is stored that cannot be read back.</summary>
public sealed class SerializerLimitTests
{
    private static readonly BlobLocation Location = new("thread-limits", Guid.CreateVersion7(), "Head");

    [Fact]
    public void A_cyclic_value_is_refused_with_a_limit_error_not_a_stack_overflow()
    {
        var error = Assert.Throws<CheckpointLimitExceededException>(() => CheckpointSerializer.Default.Serialize(LinkedNode.Cycle(), location: Location));

        Assert.Equal((Location, nameof(SerializerOptions.MaxDepth)), (error.Location, error.Limit));
        Assert.Contains("'Head'", error.Message, StringComparison.Ordinal);

        // The refusal leaves no depth behind on this thread: a value right at the limit still goes through.
        Assert.Equal(500, CheckpointSerializer.Default.Deserialize<LinkedNode>(CheckpointSerializer.Default.Serialize(LinkedNode.Chain(500))).Length());
    }

    [Fact]
    public void A_cycle_through_a_list_or_an_object_member_is_refused_too()
    {
        var list = new List<object>();
        list.Add(list);
        var boxes = new Dictionary<string, object>();
        boxes["self"] = boxes;

        Assert.Throws<CheckpointLimitExceededException>(() => CheckpointSerializer.Default.ToPayload<object>(list));
        Assert.Throws<CheckpointLimitExceededException>(() => CheckpointSerializer.Default.ToPayload(boxes));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(500)]
    public void A_value_exactly_at_MaxDepth_is_written_and_read_one_deeper_is_refused_both_ways(int maxDepth)
    {
        var serializer = new CheckpointSerializer(new SerializerOptions { MaxDepth = maxDepth });
        var looser = new CheckpointSerializer(new SerializerOptions { MaxDepth = maxDepth + 1 });

        var atLimit = serializer.Serialize(LinkedNode.Chain(maxDepth));
        Assert.Equal(maxDepth, serializer.Deserialize<LinkedNode>(atLimit, Location).Length());

        Assert.Throws<CheckpointLimitExceededException>(() => serializer.Serialize(LinkedNode.Chain(maxDepth + 1)));
        var deeper = looser.Serialize(LinkedNode.Chain(maxDepth + 1));
        var error = Assert.Throws<IncompatibleCheckpointException>(() => serializer.Deserialize<LinkedNode>(deeper, Location));
        Assert.Equal(Location, error.Location);
    }

    [Fact]
    public void Nested_lists_count_one_level_each()
    {
        var serializer = new CheckpointSerializer(new SerializerOptions { MaxDepth = 3 });
        List<List<List<int>>> three = [[[1]]];
        List<List<List<List<int>>>> four = [[[[1]]]];

        Assert.Equal(1, serializer.Deserialize<List<List<List<int>>>>(serializer.Serialize(three))[0][0][0]);
        Assert.Throws<CheckpointLimitExceededException>(() => serializer.Serialize(four));
    }

    [Fact]
    public void A_value_over_MaxValueBytes_is_refused_at_write_and_at_read()
    {
        var strict = new CheckpointSerializer(new SerializerOptions { MaxValueBytes = 1000 });
        var loose = new CheckpointSerializer(new SerializerOptions { MaxValueBytes = 4000 });
        var large = new string('x', 2000);

        var error = Assert.Throws<CheckpointLimitExceededException>(() => strict.Serialize(large, location: Location));
        Assert.Equal((Location, nameof(SerializerOptions.MaxValueBytes)), (error.Location, error.Limit));
        Assert.Throws<CheckpointLimitExceededException>(() => strict.ToPayload(large));
        Assert.Throws<CheckpointLimitExceededException>(() => strict.Wrap(new byte[1001]));
        Assert.Equal(large, strict.Deserialize<string>(strict.Serialize(new string('x', 990))).PadRight(2000, 'x'));

        var blob = loose.Serialize(large);
        var incompatible = Assert.Throws<IncompatibleCheckpointException>(() => strict.Deserialize<string>(blob, Location));
        Assert.Equal(Location, incompatible.Location);
        Assert.Throws<IncompatibleCheckpointException>(() => strict.FromPayload<string>(loose.ToPayload(large), Location));
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointSerializer(new SerializerOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointSerializer(new SerializerOptions { MaxValueBytes = -1 }));
    }

    [Fact]
    public void An_undefined_block_compression_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new CheckpointSerializer(new SerializerOptions { BlockCompression = (BlockCompression)7 }));
        Assert.Contains("BlockCompression", error.Message, StringComparison.Ordinal);
        Assert.Equal(BlockCompression.Lz4, new SerializerOptions().BlockCompression);
    }

    [Fact]
    public void The_defaults_are_documented_values()
    {
        var options = new SerializerOptions();
        Assert.Equal((500, 64 << 20), (options.MaxDepth, options.MaxValueBytes));
    }
}
