using Checkpoint.Serialization;
using Checkpoint.Channels;
using Checkpoint.Conformance.Engine;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Engine;

/// <summary>Channel copies equal their value and share nothing mutable with it; immutable values are shared.</summary>
public sealed class CopyPropertyTests
{
    private static readonly StateSchema<MutableState> Schema = new(new Dictionary<string, Func<object?, object?, object?>>());
    private static readonly StateSchema<ReducerState> Immutables = new(new Dictionary<string, Func<object?, object?, object?>>());

    [Property]
    public void A_copied_list_is_equal_and_independent(string[] items)
    {
        var value = items.ToList();
        var copy = (List<string>)Schema["Log"].Copy(value, CheckpointSerializer.Default)!;

        Assert.Equal(value, copy);
        copy.Add("x");
        Assert.Equal(items, value);
    }

    [Property]
    public void A_copied_record_holding_a_list_is_equal_and_independent(string[] items)
    {
        var value = new Holder([.. items]);
        var copy = (Holder)Schema["Box"].Copy(value, CheckpointSerializer.Default)!;

        Assert.Equal(value.Items, copy.Items);
        copy.Items.Add("x");
        Assert.Equal(items, value.Items);
    }

    [Property]
    public void A_copied_dictionary_of_lists_is_equal_and_independent(int[][] lists)
    {
        var value = lists.Select((list, i) => (Key: $"k{i}", List: list)).ToDictionary(e => e.Key, e => e.List.ToList());
        var copy = (Dictionary<string, List<int>>)Schema["Scores"].Copy(value, CheckpointSerializer.Default)!;

        Assert.Equal(value.Keys, copy.Keys);
        foreach (var (key, list) in copy)
        {
            Assert.Equal(value[key], list);
            list.Add(-1);
        }

        copy["new"] = [];
        Assert.Equal(lists.Length, value.Count);
        for (var i = 0; i < lists.Length; i++)
        {
            Assert.Equal(lists[i], value[$"k{i}"]);
        }
    }

    [Property]
    public void A_copied_array_is_equal_and_independent(int[] numbers)
    {
        var value = (int[])numbers.Clone();
        var copy = (int[])Schema["Numbers"].Copy(value, CheckpointSerializer.Default)!;

        Assert.Equal(value, copy);
        if (copy.Length > 0)
        {
            copy[0]++;
            Assert.Equal(numbers, value);
        }
    }

    [Property]
    public void Applied_updates_are_taken_by_value(string[] items)
    {
        var update = new Holder([.. items]);
        var kept = (Holder)Schema["Box"].Apply(null, update, CheckpointSerializer.Default)!;
        var appended = (IReadOnlyList<Holder>)Schema["Shared"].Apply(Array.Empty<Holder>(), new[] { update }, CheckpointSerializer.Default)!;

        update.Items.Add("late");

        Assert.Equal(items, kept.Items);
        Assert.Equal(items, Assert.Single(appended).Items);
    }

    [Property]
    public void Immutable_values_are_shared_not_copied(string[] items, string? last)
    {
        var history = (IReadOnlyList<string>)Immutables["History"].Apply(null, items, CheckpointSerializer.Default)!;

        Assert.Same(history, Immutables["History"].Copy(history, CheckpointSerializer.Default));
        Assert.Same(last, Immutables["Last"].Copy(last, CheckpointSerializer.Default));
    }
}
