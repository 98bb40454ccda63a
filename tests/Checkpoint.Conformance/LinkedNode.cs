namespace Checkpoint.Conformance;

/// <summary>A singly linked list node: chains make values as deep as they are long, and a node can point at itself.</summary>
public sealed class LinkedNode
{
    /// <summary>The node's label.</summary>
    public int Value { get; set; }

    /// <summary>The next node, or null at the end.</summary>
    public LinkedNode? Next { get; set; }

    /// <summary>A chain of <paramref name="length"/> nodes labelled 1 to length.</summary>
    public static LinkedNode Chain(int length)
    {
        var head = new LinkedNode { Value = length };
        for (var i = length - 1; i >= 1; i--)
        {
            head = new LinkedNode { Value = i, Next = head };
        }

        return head;
    }

    /// <summary>A node whose <see cref="Next"/> is itself.</summary>
    public static LinkedNode Cycle()
    {
        var node = new LinkedNode { Value = 1 };
        node.Next = node;
        return node;
    }

    /// <summary>The number of nodes of a chain.</summary>
    public int Length()
    {
        var length = 0;
        for (var node = this; node is not null; node = node.Next)
        {
            length++;
        }

        return length;
    }
}
