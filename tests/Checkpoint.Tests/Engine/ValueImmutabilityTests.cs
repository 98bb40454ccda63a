using System.Collections.Immutable;
using Checkpoint.Channels;

namespace Checkpoint.Tests.Engine;

public sealed class ValueImmutabilityTests
{
    public sealed record Point(int X, int Y);

    public sealed record Named(string Name, Point At, ImmutableList<Point> Trail);

    public sealed record WithList(List<string> Items);

    public sealed record WithReadOnlyList(IReadOnlyList<string> Items);

    public sealed class Settable
    {
        public string Name { get; set; } = "";
    }

    public sealed record Tree(string Label, ImmutableList<Tree> Children);

    public readonly record struct Pair(string A, WithList B);

    public record Base(string Name);

    [Theory]
    [InlineData(typeof(int))]
    [InlineData(typeof(string))]
    [InlineData(typeof(DateTimeOffset))]
    [InlineData(typeof(int?))]
    [InlineData(typeof(Point))]
    [InlineData(typeof(Named))]
    [InlineData(typeof(Tree))]
    [InlineData(typeof(Base))]
    [InlineData(typeof(ImmutableDictionary<string, Point>))]
    [InlineData(typeof(AppendOnlyList<Point>))]
    [InlineData(typeof(KeyValuePair<string, Point>))]
    public void Immutable_types_are_recognized(Type type) => Assert.True(ValueImmutability.IsImmutable(type));

    [Theory]
    [InlineData(typeof(object))]
    [InlineData(typeof(int[]))]
    [InlineData(typeof(List<string>))]
    [InlineData(typeof(Dictionary<string, int>))]
    [InlineData(typeof(IReadOnlyList<string>))]
    [InlineData(typeof(WithList))]
    [InlineData(typeof(WithReadOnlyList))]
    [InlineData(typeof(Settable))]
    [InlineData(typeof(Pair))]
    [InlineData(typeof(ImmutableList<WithList>))]
    [InlineData(typeof(AppendOnlyList<Settable>))]
    [InlineData(typeof(Func<int>))]
    public void Anything_that_can_change_counts_as_mutable(Type type) => Assert.False(ValueImmutability.IsImmutable(type));
}
