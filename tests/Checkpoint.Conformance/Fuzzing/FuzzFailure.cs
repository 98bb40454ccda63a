namespace Checkpoint.Conformance.Fuzzing;

/// <summary>An input that broke a rule: an undocumented exception escaped, or the decoder allocated more than the bound.</summary>
/// <param name="Index">The input's number in the run (with the seed, enough to replay it).</param>
/// <param name="Decoder">The decoder it went to.</param>
/// <param name="Kind">Its mutation kind.</param>
/// <param name="Problem">What went wrong.</param>
/// <param name="Input">The input, in hex (at most the first 2,048 bytes).</param>
public sealed record FuzzFailure(long Index, string Decoder, string Kind, string Problem, string Input);
