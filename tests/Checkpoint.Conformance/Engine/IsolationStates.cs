using MessagePack;

namespace Checkpoint.Conformance.Engine;

/// <summary>A last-value record that holds a mutable list.</summary>
public sealed record Holder(List<string> Items);

/// <summary>A state whose every channel holds something a node could mutate in place.</summary>
public sealed class MutableState
{
    [Append]
    public List<string> Log { get; set; } = [];

    public Holder Box { get; set; } = new([]);

    [MergeByKey]
    public Dictionary<string, List<int>> Scores { get; set; } = [];

    public int[] Numbers { get; set; } = [];

    [Append]
    public IReadOnlyList<Holder> Shared { get; set; } = [];

    public int Step { get; set; }
}

/// <summary>A shape stored through a MessagePack union: the stored bytes name which implementation.</summary>
[Union(0, typeof(Circle))]
[Union(1, typeof(Square))]
public interface IShape
{
    /// <summary>The area.</summary>
    double Area { get; }
}

/// <summary>A circle.</summary>
public sealed record Circle(double Radius) : IShape
{
    /// <inheritdoc />
    [IgnoreMember]
    public double Area => Math.PI * Radius * Radius;
}

/// <summary>A square.</summary>
public sealed record Square(double Side) : IShape
{
    /// <inheritdoc />
    [IgnoreMember]
    public double Area => Side * Side;
}

/// <summary>A state with a union-typed channel and a list of them.</summary>
public sealed class UnionState
{
    public IShape? Shape { get; set; }

    [Append]
    public List<IShape> Shapes { get; set; } = [];
}

/// <summary>An interface without [Union]: MessagePack cannot tell which implementation to rebuild.</summary>
public interface IPlainShape
{
    /// <summary>The area.</summary>
    double Area { get; }
}

/// <summary>An abstract base without [Union].</summary>
public abstract class ShapeBase
{
    /// <summary>The name.</summary>
    public string Name { get; set; } = "";
}

/// <summary>Holds an <c>object</c> two levels down.</summary>
public sealed record Envelope2(Inner2 Inner);

/// <summary>Holds an <c>object</c>.</summary>
public sealed record Inner2(string Label, object Payload);

public sealed class ObjectState
{
    public object? Shape { get; set; }
}

public sealed class DelegateState
{
    public Func<int, int>? Transform { get; set; }
}

public sealed class InterfaceState
{
    public IPlainShape? Shape { get; set; }
}

public sealed class AbstractState
{
    public ShapeBase? Shape { get; set; }
}

public sealed class ObjectListState
{
    [Append]
    public List<object> Items { get; set; } = [];
}

public sealed class ObjectDictionaryState
{
    [MergeByKey]
    public Dictionary<string, object> Bag { get; set; } = [];
}

public sealed class NestedObjectState
{
    public Envelope2? Wrapper { get; set; }
}

/// <summary>A record whose member is a delegate, nested inside a list.</summary>
public sealed record Step2(string Name, Action Run);

public sealed class NestedDelegateState
{
    public IReadOnlyList<Step2> Steps { get; set; } = [];
}

/// <summary>A recursive type: the walk must stop at types it has seen.</summary>
public sealed record TreeNode(string Label, IReadOnlyList<TreeNode> Children);

public sealed class TreeState
{
    public TreeNode? Root { get; set; }

    public IReadOnlyDictionary<string, IList<int>> Index { get; set; } = new Dictionary<string, IList<int>>();

    public IReadOnlySet<string> Tags { get; set; } = new HashSet<string>();

    public (int Count, Circle? Largest) Summary { get; set; }
}

public sealed class NonGenericListState
{
    public System.Collections.IList? Items { get; set; }
}
