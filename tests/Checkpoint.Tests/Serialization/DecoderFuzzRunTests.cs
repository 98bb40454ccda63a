using Checkpoint.Conformance.Fuzzing;
using Xunit.Abstractions;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// The short fixed-seed run of the decoder fuzzer (<see cref="DecoderFuzzer"/>): seeds made from a real
/// graph run (records, chunks, blocks, pending writes, inline values; no compression, LZ4, AES-GCM) and
/// values of every supported member type, mutated (bit flips, truncations, splices, lying lengths,
/// nesting-depth bombs, huge declared lengths) or replaced by random bytes. Only the documented
/// exceptions escape and no input allocates beyond its bound. The long run is
/// <c>dotnet benchmarks/Checkpoint.Benchmarks/bin/Release/net10.0/linux-x64/Checkpoint.Benchmarks.dll fuzz --inputs 1000000 --seed 1</c>.
/// </summary>
public sealed class DecoderFuzzRunTests(ITestOutputHelper output)
{
    private const int Inputs = 50_000;
    private const int Seed = 20_261_130;

    [Fact]
    [Trait("Category", "Fuzz")]
    public async Task Fuzzed_inputs_raise_only_documented_exceptions_within_the_allocation_bound()
    {
        var corpus = await FuzzCorpus.BuildAsync();
        var report = new DecoderFuzzer(corpus, Seed).Run(Inputs);
        using var text = new StringWriter();
        report.WriteTo(text);
        output.WriteLine(text.ToString());

        Assert.True(report.FailureCount == 0, text.ToString());

        // Every decoder got inputs, and the mutations reached past the envelope into the decoders behind it.
        Assert.Equal(["chunk", "envelope", "inline", "record", "value", "write"], report.ByDecoder.Keys);
        Assert.Contains(report.ByOutcome.Keys, o => o.Contains("MessagePackSerializationException", StringComparison.Ordinal));
        Assert.Contains(report.ByOutcome.Keys, o => o.Contains("InvalidDataException", StringComparison.Ordinal)); // Deflate blocks
        Assert.Contains(report.ByOutcome.Keys, o => o.StartsWith("IncompatibleCheckpointException", StringComparison.Ordinal));
        Assert.True(report.ByOutcome.GetValueOrDefault("decoded") > Inputs / 20, text.ToString());
    }
}
