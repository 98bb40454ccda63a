namespace Checkpoint.Storage;

/// <summary>Names of the pending-write channels that carry control data rather than state.</summary>
public static class SpecialChannels
{
    /// <summary>The error a task failed with.</summary>
    public const string Error = "__error__";

    /// <summary>An interrupt a task raised.</summary>
    public const string Interrupt = "__interrupt__";

    /// <summary>The value a resumed interrupt returns.</summary>
    public const string Resume = "__resume__";

    /// <summary>Marks a task that finished with no state update, so it is not run again.</summary>
    public const string NoWrites = "__no_writes__";

    /// <summary>The nodes a task sent the run to (<c>Update.Goto</c>): a string array.</summary>
    public const string Goto = "__goto__";

    /// <summary>The interrupt writes (a node's <c>ctx.Interrupt</c>) that no resume value answers yet.</summary>
    internal static IEnumerable<PendingWrite> OpenInterrupts(IReadOnlyList<PendingWrite> writes) =>
        writes.Where(w => w.Channel == Interrupt && !writes.Any(r => r.Channel == Resume && r.TaskId == w.TaskId && r.Index == w.Index));

    /// <summary>True for every name in this class.</summary>
    public static bool IsSpecial(string channel) => channel.StartsWith("__", StringComparison.Ordinal);
}
