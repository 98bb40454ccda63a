using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Ids of interrupts; static ones carry their kind as a prefix.</summary>
internal static class InterruptIds
{
    private const string BeforePrefix = "before:";
    private const string AfterPrefix = "after:";

    public static InterruptRecord Before(string node, string taskId) => new(BeforePrefix + taskId, node, taskId, []);

    public static InterruptRecord After(string node, string taskId) => new(AfterPrefix + taskId, node, taskId, []);

    public static string Dynamic(string taskId, int index) => $"{taskId}:{index}";

    public static Interrupt ToInterrupt(InterruptRecord record) => new(
        record.Id,
        record.Node,
        record.Id.StartsWith(BeforePrefix, StringComparison.Ordinal) ? InterruptKind.Before
            : record.Id.StartsWith(AfterPrefix, StringComparison.Ordinal) ? InterruptKind.After
            : InterruptKind.Dynamic,
        record.Value);

}
