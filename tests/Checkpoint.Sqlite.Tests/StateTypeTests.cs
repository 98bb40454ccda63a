using System.Collections.Immutable;
using Checkpoint.Serialization;
using Microsoft.Extensions.AI;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The supported state member types of docs/state-types.md, one row each: a value set by a node, stored in a
/// SQLite file, read back by a new saver (nothing cached), compared; and again inside a type with a
/// [FormerName], so the read goes through the upcast tree. The unsupported rows show the error a user gets.
/// </summary>
public sealed class StateTypeTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static readonly Dictionary<string, Func<StateTypeTests, Task>> Supported = new()
    {
        ["int"] = t => t.RoundTripAsync(int.MinValue),
        ["long"] = t => t.RoundTripAsync(long.MaxValue),
        ["ulong"] = t => t.RoundTripAsync(ulong.MaxValue),
        ["double"] = t => t.RoundTripAsync(Math.PI),
        ["float"] = t => t.RoundTripAsync(1.1f),
        ["bool"] = t => t.RoundTripAsync(true),
        ["char"] = t => t.RoundTripAsync('é'),
        ["string"] = t => t.RoundTripAsync("héllo \0 wörld"),
        ["byte[]"] = t => t.RoundTripAsync(new byte[] { 0, 1, 255 }),
        ["enum"] = t => t.RoundTripAsync(Colour.Blue),
        ["decimal"] = t => t.RoundTripAsync(12345678901234567890.123456789m),
        ["DateTime (UTC)"] = t => t.RoundTripAsync(new DateTime(2026, 11, 30, 17, 4, 5, 678, DateTimeKind.Utc).AddTicks(9)),
        ["DateTimeOffset"] = t => t.RoundTripAsync(new DateTimeOffset(2026, 11, 30, 17, 4, 5, 678, TimeSpan.FromHours(-5)).AddTicks(9)),
        ["TimeSpan"] = t => t.RoundTripAsync(TimeSpan.FromTicks(-123_456_789)),
        ["Guid"] = t => t.RoundTripAsync(Guid.CreateVersion7()),
        ["int? (value)"] = t => t.RoundTripAsync<int?>(42),
        ["record? (null)"] = t => t.RoundTripAsync<Point?>(null),
        ["T[]"] = t => t.RoundTripAsync(new[] { new Point(1, 2), new Point(3, 4) }),
        ["List<T>"] = t => t.RoundTripAsync(new List<string> { "a", "b" }),
        ["Dictionary<string, T>"] = t => t.RoundTripAsync(new Dictionary<string, Point> { ["home"] = new(1, 1), ["work"] = new(5, 9) }),
        ["Dictionary<int, T>"] = t => t.RoundTripAsync(new Dictionary<int, string> { [1] = "one", [-7] = "minus seven" }),
        ["HashSet<T>"] = t => t.RoundTripAsync(new HashSet<string> { "x", "y" }),
        ["ImmutableList<T>"] = t => t.RoundTripAsync(ImmutableList.Create(1, 2, 3)),
        ["ImmutableArray<T>"] = t => t.RoundTripAsync(ImmutableArray.Create("a", "b")),
        ["ImmutableDictionary<K, V>"] = t => t.RoundTripAsync(ImmutableDictionary<string, int>.Empty.Add("a", 1)),
        ["IReadOnlyList<T>"] = t => t.RoundTripAsync<IReadOnlyList<int>>([4, 5]),
        ["IReadOnlyDictionary<K, V>"] = t => t.RoundTripAsync<IReadOnlyDictionary<string, int>>(new Dictionary<string, int> { ["k"] = 1 }),
        ["record (constructor)"] = t => t.RoundTripAsync(new Point(-1, 2)),
        ["class (settable and init properties)"] = t => t.RoundTripAsync(new Settings { Theme = "dark", FontSize = 14, Recent = ["a.txt"] }),
        ["record struct"] = t => t.RoundTripAsync(new Range(3, 9)),
        ["ValueTuple"] = t => t.RoundTripAsync((1, "two")),
        ["nested records and collections"] = t => t.RoundTripAsync(new Customer(
            "Ada", [new Point(1, 2)], new() { ["q1"] = new Range(1, 3) }, Colour.Green, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)))),
        ["[Union] polymorphism"] = t => t.RoundTripAsync(new List<Shape> { new Circle(1.5), new Square(2) }),
        ["ChatMessage"] = t => t.RoundTripChatAsync(),
    };

    public static TheoryData<string> SupportedKinds => [.. Supported.Keys];

    [Theory]
    [MemberData(nameof(SupportedKinds))]
    public Task Supported_member_types_round_trip_through_sqlite(string kind) => Supported[kind](this);

    [Fact]
    public async Task A_local_DateTime_comes_back_as_the_same_instant_in_UTC()
    {
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);

        var read = await StoreAndReadAsync(local);

        Assert.Equal((local.ToUniversalTime(), DateTimeKind.Utc), (read, read.Kind));
    }

    [Fact]
    public void A_member_declared_as_object_is_refused_at_compile()
    {
        var error = Assert.Throws<GraphValidationException>(() => BoxGraph(new WithObject()).Compile(_database.CreateSaver()));

        Assert.Contains("Value → WithObject.Anything holds a value declared as object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interface_without_Union_is_refused_at_compile()
    {
        var error = Assert.Throws<GraphValidationException>(() => BoxGraph(new WithInterface()).Compile(_database.CreateSaver()));

        Assert.Contains("interface IPlugin without [Union] attributes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_field_is_not_stored()
    {
        var value = new WithPrivateField { Visible = 1 };
        value.Hide(7);

        var read = await StoreAndReadAsync(value);

        Assert.Equal((1, 0), (read!.Visible, read.Hidden));
    }

    [Fact]
    public async Task A_value_object_with_its_own_formatter_round_trips_as_a_string()
    {
        var options = new SerializerOptions { Formatters = [new MoneyFormatter()] };
        var lines = Enumerable.Range(0, 70).Select(i => new InvoiceLine($"line {i}", new Money(i + 0.25m, "EUR"))).ToArray(); // past a 64-item block
        await using (var saver = Saver(options))
        {
            await InvoiceGraph(lines).Compile(saver).InvokeAsync(new InvoiceState(), RunConfig.ForThread("invoice"));
        }

        await using (var reopened = Saver(options))
        {
            var state = (await InvoiceGraph(lines).Compile(reopened).GetStateAsync(RunConfig.ForThread("invoice")))!.Values;
            Assert.Equal(new Money(17.5m, "EUR"), state.Total);
            Assert.Equal(lines, state.Lines);
        }

        // Without the formatter the stored value is a string, not a Money: proof of what was stored.
        await using var plain = Saver(null);
        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => InvoiceGraph(lines).Compile(plain).GetStateAsync(RunConfig.ForThread("invoice")));
        Assert.Contains("a string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_formatter_failing_to_read_names_the_channel()
    {
        await using (var saver = Saver(new SerializerOptions { Formatters = [new MoneyFormatter()] }))
        {
            await InvoiceGraph([]).Compile(saver).InvokeAsync(new InvoiceState(), RunConfig.ForThread("invoice"));
        }

        await using var broken = Saver(new SerializerOptions { Formatters = [new BrokenMoneyFormatter(failWrites: false)] });
        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => InvoiceGraph([]).Compile(broken).GetStateAsync(RunConfig.ForThread("invoice")));

        Assert.Equal("Total", error.Channel);
        Assert.Contains("unreadable money", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_formatter_failing_to_write_names_the_channel()
    {
        await using var saver = Saver(new SerializerOptions { Formatters = [new BrokenMoneyFormatter(failWrites: true)] });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => InvoiceGraph([]).Compile(saver).InvokeAsync(new InvoiceState(), RunConfig.ForThread("invoice")));

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("channel 'Total'", messages, StringComparison.Ordinal);
        Assert.Contains("money out of range", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_type_with_its_own_formatter_is_left_to_it_by_the_compile_check()
    {
        var value = new Tagged { Tag = new object(), Text = "kept" };
        Assert.Throws<GraphValidationException>(() => BoxGraph(value).Compile(Saver(null)));

        var options = new SerializerOptions { Formatters = [new TaggedFormatter()] };
        var run = RunConfig.ForThread("tagged");
        await using (var saver = Saver(options))
        {
            await BoxGraph(value).Compile(saver).InvokeAsync(new Box<Tagged>(), run);
        }

        await using var reopened = Saver(options);
        Assert.Equal("kept", (await BoxGraph(value).Compile(reopened).GetStateAsync(run))!.Values.Value!.Text);
    }

    [Fact]
    public void Typeless_resolvers_and_formatters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new CheckpointSerializer(new SerializerOptions { Resolvers = [MessagePack.Resolvers.TypelessContractlessStandardResolver.Instance] }));
        Assert.Throws<ArgumentException>(() => new CheckpointSerializer(new SerializerOptions { Resolvers = [MessagePack.Resolvers.TypelessObjectResolver.Instance] }));
        Assert.Throws<ArgumentException>(() => new CheckpointSerializer(new SerializerOptions { Formatters = [MessagePack.Formatters.TypelessFormatter.Instance] }));
        _ = new CheckpointSerializer(new SerializerOptions { Resolvers = [MessagePack.Resolvers.StandardResolver.Instance], Formatters = [new MoneyFormatter()] });
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error;
        }
    }

    private static StateGraph<InvoiceState> InvoiceGraph(InvoiceLine[] lines) => new StateGraph<InvoiceState>()
        .AddNode("bill", _ => new Update<InvoiceState>().Set(s => s.Total, new Money(17.5m, "EUR")).Append(s => s.Lines, lines))
        .AddEdge(Checkpoint.Graph.Start, "bill").AddEdge("bill", Checkpoint.Graph.End);

    private async Task RoundTripAsync<T>(T value)
    {
        Assert.Equivalent(value, await StoreAndReadAsync(value), strict: true);
        Assert.Equivalent(value, (await StoreAndReadAsync(new Renamed<T> { Inner = value }))!.Inner, strict: true);
    }

    private async Task RoundTripChatAsync()
    {
        var message = new ChatMessage(ChatRole.Assistant, [new TextContent("hi"), new FunctionCallContent("call-1", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]);

        foreach (var read in new[] { await StoreAndReadAsync(message), (await StoreAndReadAsync(new Renamed<ChatMessage> { Inner = message }))!.Inner })
        {
            Assert.Equal((ChatRole.Assistant, "hi"), (read!.Role, read.Text));
            Assert.Equal("lookup", Assert.IsType<FunctionCallContent>(read.Contents[1]).Name);
        }
    }

    /// <summary>Stores <paramref name="value"/> through a graph on a SQLite file and reads it back with a new saver.</summary>
    private async Task<T?> StoreAndReadAsync<T>(T value)
    {
        var run = RunConfig.ForThread(Guid.NewGuid().ToString("N"));
        await using (var saver = Saver(null))
        {
            await BoxGraph(value).Compile(saver).InvokeAsync(new Box<T>(), run);
        }

        await using var reopened = Saver(null);
        return (await BoxGraph(value).Compile(reopened).GetStateAsync(run))!.Values.Value;
    }

    private static StateGraph<Box<T>> BoxGraph<T>(T value) => new StateGraph<Box<T>>()
        .AddNode("set", _ => new Update<Box<T>>().Set(s => s.Value, value))
        .AddEdge(Checkpoint.Graph.Start, "set").AddEdge("set", Checkpoint.Graph.End);

    private SqliteCheckpointSaver Saver(SerializerOptions? options) =>
        new(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = options is null ? null : new CheckpointSerializer(options) });
}
