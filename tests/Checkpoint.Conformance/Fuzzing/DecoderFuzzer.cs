using System.Buffers.Binary;
using System.Diagnostics;
using Checkpoint.Serialization;

namespace Checkpoint.Conformance.Fuzzing;

/// <summary>
/// Feeds mutated and random inputs (<see cref="FuzzInputs"/>) to the decoders of stored data (the
/// envelope, MessagePack values, checkpoint records, chunks and blocks, pending writes) and checks
/// the rules for untrusted bytes: only <see cref="CheckpointDataException"/>s escape
/// (<see cref="CorruptCheckpointException"/> for damage, <see cref="IncompatibleCheckpointException"/>
/// for intact data over the limits), and no input makes its decoder allocate more than
/// <see cref="AllocationBound"/>. A stack overflow ends the process and a hang never ends the run:
/// either is a failure of whoever runs it.
/// </summary>
public sealed class DecoderFuzzer(FuzzCorpus corpus, int seed)
{
    /// <summary>Bytes any decode may allocate whatever its input (buffers, exceptions and their messages, formatter caches).</summary>
    public const long BaseAllocation = 1 << 20;

    /// <summary>Bytes a decode may allocate per byte of input or of the payload its header declares.</summary>
    public const long AllocationPerByte = 64;

    /// <summary>
    /// The most a decoder may allocate for <paramref name="input"/>: linear in what the input really
    /// holds, its own length plus the payload length its envelope header declares (a header that lies
    /// about it is refused before anything is allocated for it; LZ4 and Deflate make a body up to 255
    /// and 1032 times larger).
    /// </summary>
    public static long AllocationBound(ReadOnlySpan<byte> input, bool enveloped)
    {
        var declared = enveloped && input.Length >= Envelope.HeaderSize ? Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(input[6..])) : 0;
        return BaseAllocation + (AllocationPerByte * ((long)input.Length + declared));
    }

    /// <summary>Decodes <paramref name="inputs"/> inputs; <paramref name="progress"/> is called every 100,000.</summary>
    public FuzzReport Run(long inputs, Action<FuzzReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var random = new Random(seed);
        var report = new FuzzReport { Seed = seed };
        var clock = Stopwatch.StartNew();
        var seeds = corpus.Seeds;

        // Each decoder gets an equal share of the inputs, however many seeds it has.
        var byDecoder = seeds.GroupBy(s => s.Decoder, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        for (long i = 0; i < inputs; i++)
        {
            var group = byDecoder[random.Next(byDecoder.Length)];
            var source = group[random.Next(group.Length)];
            var input = FuzzInputs.Make(source, seeds, random, out var kindIndex);
            var kind = FuzzInputs.Kinds[kindIndex];
            Increment(report.ByDecoder, source.Decoder);
            Increment(report.ByKind, kind);
            DecodeOne(report, i, source, kind, input);
            report.Inputs = i + 1;
            if (progress is not null && (i + 1) % 100_000 == 0)
            {
                report.Elapsed = clock.Elapsed;
                progress(report);
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    private static void DecodeOne(FuzzReport report, long index, FuzzSeed source, string kind, byte[] input)
    {
        var started = Stopwatch.GetTimestamp();
        var before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            _ = source.Decode(input);
            outcome = "decoded";
        }
        catch (CheckpointDataException ex)
        {
            outcome = ex.InnerException is null ? ex.GetType().Name : $"{ex.GetType().Name} ({ex.InnerException.GetType().Name})";
        }
        catch (Exception ex)
        {
            outcome = $"UNDOCUMENTED {ex.GetType().Name}";
            report.Fail(new FuzzFailure(index, source.Decoder, kind, $"{ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}", Hex(input)));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var elapsed = Stopwatch.GetElapsedTime(started);
        Increment(report.ByOutcome, outcome);
        var bound = AllocationBound(input, source.Enveloped);
        if (allocated > report.MaxAllocated)
        {
            (report.MaxAllocated, report.MaxAllocatedInputLength) = (allocated, input.Length);
        }

        report.MaxBoundUse = Math.Max(report.MaxBoundUse, (double)allocated / bound);
        if (allocated > bound)
        {
            report.Fail(new FuzzFailure(index, source.Decoder, kind, $"allocated {allocated} bytes, over the bound of {bound} ({outcome})", Hex(input)));
        }

        if (elapsed > report.Slowest)
        {
            (report.Slowest, report.SlowestInput) = (elapsed, $"{source.Decoder}, {kind}, {input.Length} bytes, {outcome}");
        }
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Hex(byte[] input) => Convert.ToHexString(input, 0, Math.Min(input.Length, 2048)) + (input.Length > 2048 ? $"… ({input.Length} bytes)" : "");
}
