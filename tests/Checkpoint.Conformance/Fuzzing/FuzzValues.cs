namespace Checkpoint.Conformance.Fuzzing;

/// <summary>Values of the supported state member types, as the fuzzer's value seeds.</summary>
public static class FuzzValues
{
    /// <summary>Each value with the type it is written and read as.</summary>
    public static IReadOnlyList<(Type Type, object? Value)> All { get; } =
    [
        (typeof(List<FuzzMessage>), Enumerable.Range(0, 12).Select(i => new FuzzMessage(i % 2 == 0 ? "user" : "assistant", $"message {i}", i)).ToList()),
        (typeof(Dictionary<string, int>), Enumerable.Range(0, 20).ToDictionary(i => $"key{i}", i => i * 1000)),
        (typeof(LinkedNode), LinkedNode.Chain(6)),
        (typeof(ConformanceSample), new ConformanceSample("sample", 3, ["a", "b"], new ConformanceInner(true, 1.5, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc)))),
        (typeof(string[]), new[] { "a", "bb", new string('c', 300) }),
        (typeof(byte[]), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }),
        (typeof(HashSet<string>), new HashSet<string> { "x", "y", "z" }),
        (typeof(int?[]), new int?[] { 1, null, 3 }),
        (typeof(DateTimeOffset), new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))),
        (typeof(decimal), 12345.6789m),
        (typeof(Guid), new Guid("0192f0c1-0000-7000-8000-000000000001")),
        (typeof(long), -123456789L),
        (typeof(object), new Dictionary<string, object> { ["list"] = new object[] { 1, "two", 3.0, new object[] { true } }, ["n"] = 5 }),
    ];
}
