namespace Checkpoint;

/// <summary>Where an interrupt came from.</summary>
public enum InterruptKind
{
    /// <summary>A node called <c>ctx.Interrupt(value)</c>.</summary>
    Dynamic,

    /// <summary>The run stopped before a node listed in <c>InterruptBefore</c>.</summary>
    Before,

    /// <summary>The run stopped after a node listed in <c>InterruptAfter</c>.</summary>
    After,
}
