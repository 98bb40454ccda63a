using Checkpoint.Serialization;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Xunit;
using MessagePack;

namespace Checkpoint.Tests.Serialization;

public sealed record PriceV1(string Amount);

public sealed record PriceV2(int Amount);

/// <summary>Intact bytes of another shape are incompatible; damaged MessagePack is corrupt.</summary>
public sealed class PayloadClassificationTests
{
    private static readonly BlobLocation Location = new("thread-shape", CheckpointIds.NewId(), "Price");

    [Fact]
    public void A_value_read_as_another_type_is_incompatible_naming_both_and_the_location()
    {
        var payload = CheckpointSerializer.Default.ToPayload("text");

        var generic = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<List<int>>(payload, Location));
        var expected = typeof(List<int>); // the runtime-type overload, as channels are read
        var runtime = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload(expected, payload, Location));

        foreach (var error in new[] { generic, runtime })
        {
            Assert.Equal(Location, error.Location);
            Assert.Contains("a string", error.Message, StringComparison.Ordinal);
            Assert.Contains("List<Int32>", error.Message, StringComparison.Ordinal);
            Assert.Contains("thread-shape", error.Message, StringComparison.Ordinal);
            Assert.Contains(Location.CheckpointId!.Value.ToString(), error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_record_whose_property_changed_type_is_incompatible()
    {
        var blob = CheckpointSerializer.Default.Serialize(new PriceV1("12.50"));

        var error = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.Deserialize<PriceV2>(blob, Location));

        Assert.Contains("PriceV2", error.Message, StringComparison.Ordinal);
        Assert.Contains("a map", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_incompatible_not_corrupt()
    {
        var payload = Nested(MessagePackSecurity.UntrustedData.MaximumObjectGraphDepth + 10);

        var error = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<object>(payload, Location));

        Assert.Equal(Location, error.Location);
    }

    [Theory]
    [InlineData(new byte[] { 0xC1 })] // a code MessagePack never uses
    [InlineData(new byte[] { 0x92, 0x01 })] // an array of two with one item
    [InlineData(new byte[] { 0xA5, 0x61, 0x62 })] // a string of five with two bytes
    [InlineData(new byte[] { 0xDD, 0xFF, 0xFF, 0xFF, 0xFF })] // an array claiming 4 billion items
    [InlineData(new byte[0])]
    public void Malformed_or_cut_MessagePack_is_corrupt(byte[] payload)
    {
        var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointSerializer.Default.FromPayload<List<string>>(payload, Location));

        Assert.Equal(Location, error.Location);
        Assert.Contains("not well-formed MessagePack", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public void Every_cut_of_a_payload_is_corrupt(NonEmptyArray<NonNull<string>> items, PositiveInt cut)
    {
        var payload = CheckpointSerializer.Default.ToPayload(items.Get.Select(i => i.Get).ToList());
        var length = cut.Get % payload.Length; // a strict prefix: MessagePack is prefix-free, so never a whole value

        Assert.Throws<CorruptCheckpointException>(() => CheckpointSerializer.Default.FromPayload<List<string>>(payload.AsMemory(0, length), Location));
    }

    [Property]
    public void Every_whole_value_of_another_type_is_incompatible(NonNull<string> text, int number)
    {
        Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<int>(CheckpointSerializer.Default.ToPayload(text.Get), Location));
        Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<string>(CheckpointSerializer.Default.ToPayload(new[] { number }), Location));
    }

    [Fact]
    public void The_well_formed_check_does_not_recurse()
    {
        Assert.Equal(PayloadScanner.Finding.Valid, PayloadScanner.Scan(Nested(1_000_000), int.MaxValue, out _));
        Assert.Equal(PayloadScanner.Finding.Malformed, PayloadScanner.Scan(Nested(1_000_000).AsSpan(0, 999_999), int.MaxValue, out _));
    }

    /// <summary><paramref name="depth"/> arrays, each holding the next, around one integer.</summary>
    private static byte[] Nested(int depth)
    {
        var bytes = new byte[depth + 1];
        bytes.AsSpan(0, depth).Fill(0x91); // fixarray of one
        bytes[depth] = 0x01;
        return bytes;
    }
}
