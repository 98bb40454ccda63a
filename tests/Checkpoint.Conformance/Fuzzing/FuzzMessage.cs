namespace Checkpoint.Conformance.Fuzzing;

/// <summary>A chat message of <see cref="FuzzState"/>: the item type of the appended list the fuzzer's chunks hold.</summary>
/// <param name="Role">Who wrote it.</param>
/// <param name="Text">What it says.</param>
/// <param name="Tokens">A number.</param>
public sealed record FuzzMessage(string Role, string Text, int Tokens);
