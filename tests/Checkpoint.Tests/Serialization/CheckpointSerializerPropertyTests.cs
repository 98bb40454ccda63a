using Checkpoint.Conformance;
using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

public sealed class CheckpointSerializerPropertyTests
{
    private static readonly CheckpointSerializer Serializer = CheckpointSerializer.Default;

    private static T RoundTrip<T>(T value, ushort schemaVersion = 0) =>
        Serializer.Deserialize<T>(Serializer.Serialize(value, schemaVersion));

    [Property]
    public void Int_round_trips(int value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void Long_round_trips(long value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void Double_round_trips(double value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void Bool_round_trips(bool value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void String_round_trips(string? value) => Assert.Equal(value, RoundTrip(value));

    // Strings with unpaired surrogates have no UTF-8 form; every well-formed string round trips.
    [Property]
    public Property Unicode_string_round_trips(UnicodeString value) =>
        Prop.When(value.Get is null || !HasUnpairedSurrogate(value.Get), () => Assert.Equal(value.Get, RoundTrip(value.Get)));

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    [Property]
    public void Guid_round_trips(Guid value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void DateTime_round_trips(DateTime value) =>
        Assert.Equal(value.ToUniversalTime(), RoundTrip(value).ToUniversalTime());

    [Property]
    public void Byte_array_round_trips(byte[] value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void List_round_trips(List<int> value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void Dictionary_round_trips(Dictionary<string, long> value) => Assert.Equal(value, RoundTrip(value));

    [Property]
    public void Nested_record_round_trips(NonNull<string> name, int count, string[] tags, bool flag, NormalFloat score, ushort schema)
    {
        var value = new ConformanceSample(name.Get, count, tags.Where(t => t is not null).ToArray(),
            new ConformanceInner(flag, score.Get, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(count)));
        var blob = Serializer.Serialize(value, schema);

        Assert.Equal(value, Serializer.Deserialize<ConformanceSample>(blob));
        Assert.Equal(schema, Serializer.Unwrap(blob, default).SchemaVersion);
    }

    [Property]
    public void Runtime_typed_round_trip(int number, NonNull<string> text)
    {
        // The runtime-typed overloads are what the engine uses for channels of a state type.
        var list = new List<string> { text.Get, $"{number}" };
        var type = list.GetType();

        var blob = Serializer.Serialize(type, list);

        Assert.Equal(list, Serializer.Deserialize(type, blob));
    }
}
