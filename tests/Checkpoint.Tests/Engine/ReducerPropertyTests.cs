using System.Collections.Immutable;
using Checkpoint.Channels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Engine;

public sealed class ReducerState
{
    [Append]
    public List<string> Log { get; set; } = [];

    [Append]
    public ImmutableList<int> Numbers { get; set; } = [];

    [Append]
    public string[] Tags { get; set; } = [];

    [Append]
    public IReadOnlyList<string> History { get; set; } = [];

    [MergeByKey]
    public Dictionary<string, int> Scores { get; set; } = [];

    [MergeByKey]
    public ImmutableDictionary<string, string> Labels { get; set; } = ImmutableDictionary<string, string>.Empty;

    public string? Last { get; set; }

    public int Total { get; set; }
}

public sealed class ReducerPropertyTests
{
    private static readonly StateSchema<ReducerState> Schema = new(new Dictionary<string, Func<object?, object?, object?>>
    {
        ["Total"] = (current, update) => (int)current! + (int)update!,
    });

    [Property]
    public void Last_value_returns_the_update(string? current, string? update) =>
        Assert.Equal(update, Schema["Last"].Reduce(current, update));

    [Property]
    public void Append_concatenates_in_order(string[] current, string[] update)
    {
        var reduced = (List<string>)Schema["Log"].Reduce(current.ToList(), update.ToList())!;
        Assert.Equal(current.Concat(update), reduced);
    }

    [Property]
    public void Append_of_one_item_adds_it_at_the_end(string[] current, string item)
    {
        var reduced = (List<string>)Schema["Log"].Reduce(current.ToList(), item)!;
        Assert.Equal(current.Append(item), reduced);
    }

    [Property]
    public void Append_is_associative_and_keeps_the_collection_type(int[] a, int[] x, int[] y)
    {
        var channel = Schema["Numbers"];
        var stepwise = channel.Reduce(channel.Reduce(a.ToImmutableList(), x.ToImmutableList()), y.ToImmutableList());
        var atOnce = channel.Reduce(a.ToImmutableList(), x.Concat(y).ToImmutableList());
        Assert.IsType<ImmutableList<int>>(stepwise);
        Assert.Equal((IEnumerable<int>)atOnce!, (IEnumerable<int>)stepwise!);
    }

    [Property]
    public void Append_to_an_array_channel_builds_an_array(string[] current, string[] update)
    {
        var reduced = Schema["Tags"].Reduce(current, update);
        Assert.Equal(current.Concat(update), Assert.IsType<string[]>(reduced));
    }

    [Property]
    public void Append_never_changes_the_current_value(string[] current, string[] update)
    {
        var before = current.ToList();
        var snapshot = before.ToArray();
        _ = Schema["Log"].Reduce(before, update.ToList());
        Assert.Equal(snapshot, before);
    }

    [Property]
    public void Read_only_list_appends_from_any_version_leave_every_version_intact(NonEmptyArray<byte> froms, NonEmptyArray<NonEmptyString> texts)
    {
        // Versions of the channel as appends produce them; each append starts from a random earlier version (forks).
        var channel = Schema["History"];
        var versions = new List<(IReadOnlyList<string> Value, List<string> Model)> { ([], []) };
        foreach (var (from, i) in froms.Get.Select((f, i) => (f, i)))
        {
            string[] items = [.. texts.Get.Skip(i % texts.Get.Length).Take(1 + (from % 3)).Select(t => t.Get)];
            var (value, model) = versions[from % versions.Count];
            if (from % 4 == 3 && model.Count > 0)
            {
                // A prefix view shares the buffer of the longer list (as history snapshots do).
                var count = from % (model.Count + 1);
                versions.Add(((IReadOnlyList<string>)channel.Prefix(value, count), model[..count]));
                continue;
            }

            var next = (IReadOnlyList<string>)channel.Reduce(value, items)!;
            versions.Add((next, [.. model, .. items]));
        }

        Assert.All(versions, v => Assert.Equal(v.Model, v.Value));
    }

    [Fact]
    public async Task Read_only_list_appends_racing_from_one_version_each_get_their_own_items()
    {
        var channel = Schema["History"];
        // Two appends leave spare room after "b" in the shared buffer: all 16 racers want it.
        var start = (IReadOnlyList<string>)channel.Reduce(channel.Reduce(Array.Empty<string>(), new[] { "a" }), new[] { "b" })!;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i, (IReadOnlyList<string>)channel.Reduce(start, new[] { $"x{i}", $"y{i}" })!))));

        Assert.All(results, r => Assert.Equal(["a", "b", $"x{r.i}", $"y{r.i}"], r.Item2));
        Assert.Equal(["a", "b"], start);
    }

    [Property]
    public void Merge_by_key_keeps_every_key_and_the_update_wins(Dictionary<string, int> current, Dictionary<string, int> update)
    {
        var merged = (Dictionary<string, int>)Schema["Scores"].Reduce(current, update)!;
        Assert.Equal(current.Keys.Union(update.Keys).Order(), merged.Keys.Order());
        foreach (var (key, value) in merged)
        {
            Assert.Equal(update.TryGetValue(key, out var updated) ? updated : current[key], value);
        }
    }

    [Property]
    public void Merge_by_key_is_associative_and_keeps_immutable_dictionaries(
        Dictionary<string, string> a, Dictionary<string, string> x, Dictionary<string, string> y)
    {
        var channel = Schema["Labels"];
        var stepwise = (ImmutableDictionary<string, string>)channel.Reduce(channel.Reduce(a.ToImmutableDictionary(), x), y)!;
        var xy = new Dictionary<string, string>(x);
        foreach (var (key, value) in y)
        {
            xy[key] = value;
        }

        var atOnce = (ImmutableDictionary<string, string>)channel.Reduce(a.ToImmutableDictionary(), xy)!;
        Assert.Equal(atOnce.OrderBy(p => p.Key), stepwise.OrderBy(p => p.Key));
    }

    [Property]
    public void Custom_reducer_applies_the_user_function(int current, int update) =>
        Assert.Equal(unchecked(current + update), Schema["Total"].Reduce(current, update));

    [Property]
    public Property Wrong_update_type_is_refused_with_the_channel_name(int notAString) =>
        Prop.Label(() =>
        {
            var error = Assert.Throws<InvalidUpdateException>(() => Schema["Last"].Reduce(null, notAString));
            Assert.Contains("'Last'", error.Message);
        }, "wrong type refused");
}
