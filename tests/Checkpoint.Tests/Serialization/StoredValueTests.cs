using Checkpoint.Schema;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using MessagePack;

namespace Checkpoint.Tests.Serialization;

public sealed record Person(string FullName, int Age, DateTime Born, IReadOnlyList<string> Tags);

public sealed class StoredValueTests
{
    [Fact]
    public void A_tree_read_from_stored_bytes_is_edited_and_bound_to_the_new_type()
    {
        var born = new DateTime(1815, 12, 10, 0, 0, 0, DateTimeKind.Utc);
        var stored = CheckpointSerializer.Default.ToPayload(new { Name = "Ada", Age = 36, Born = born, Tags = new[] { "math" }, Legacy = 1.5f });

        var tree = StoredValue.Read(stored)
            .RenameProperty("Name", "FullName")
            .RemoveProperty("Legacy")
            .SetProperty("Tags", StoredValue.NewArray("math", "poetry"));

        Assert.Equal(["FullName", "Age", "Born", "Tags"], tree.PropertyNames);
        Assert.Equal(36, tree.GetProperty("Age")!.AsInt64());
        Assert.Equal(StoredValueKind.Extension, tree.GetProperty("Born")!.Kind); // a timestamp, kept as its bytes
        var person = CheckpointSerializer.Default.FromPayload<Person>(tree.ToBytes(), default);
        Assert.Equal(("Ada", 36, born), (person.FullName, person.Age, person.Born));
        Assert.Equal(["math", "poetry"], person.Tags);
    }

    [Fact]
    public void Scalars_keep_their_MessagePack_types_through_a_tree()
    {
        object[] values = [ulong.MaxValue, long.MinValue, 1.25f, Math.E, "text", new byte[] { 1, 2 }, true, Guid.Empty, 12.5m];
        foreach (var value in values)
        {
            var bytes = MessagePackSerializer.Serialize(value.GetType(), value);

            Assert.Equal(bytes, StoredValue.Read(bytes).ToBytes());
        }
    }

    [Fact]
    public void Renaming_keeps_the_new_key_when_both_are_stored_and_misuse_names_the_kind()
    {
        var tree = StoredValue.NewMap().SetProperty("Old", 1).SetProperty("New", 2);

        tree.RenameProperty("Old", "New");

        Assert.Equal(2, tree.GetProperty("New")!.AsInt64());
        Assert.True(tree.HasProperty("Old"));
        var error = Assert.Throws<InvalidOperationException>(() => StoredValue.From("x").SetProperty("a", 1));
        Assert.Contains("Text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrations_that_name_an_unknown_property_or_a_current_version_are_refused_at_compile()
    {
        var unknown = Assert.Throws<GraphValidationException>(() => VersionedGraph().Compile(
            new InMemoryCheckpointSaver(), new CompileOptions { Migrations = new StateMigrations().From(1, "Nope", v => v) }));
        var current = Assert.Throws<GraphValidationException>(() => VersionedGraph().Compile(
            new InMemoryCheckpointSaver(), new CompileOptions { Migrations = new StateMigrations().From(2) }));

        Assert.Contains("'Nope', which is not a property of VersionedState", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("StateMigrations.From(2)", current.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_are_written_with_the_declared_version()
    {
        var saver = new InMemoryCheckpointSaver();
        var run = RunConfig.ForThread("v");
        await VersionedGraph().Compile(saver).InvokeAsync(new VersionedState(), run);

        var record = (await saver.GetAsync("v", "", null))!.Checkpoint;

        Assert.Equal(2, record.Channels["Name"].SchemaVersion);
    }

    private static StateGraph<VersionedState> VersionedGraph() => new StateGraph<VersionedState>()
        .AddNode("set", _ => new Update<VersionedState>().Set(s => s.Name, "n"))
        .AddEdge(Graph.Start, "set").AddEdge("set", Graph.End);
}

[StateVersion(2)]
public sealed class VersionedState
{
    public string Name { get; set; } = "";
}
