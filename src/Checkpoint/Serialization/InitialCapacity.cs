namespace Checkpoint.Serialization;

/// <summary>
/// How many entries a collection being read is created with: the count in its header, up to a small
/// memory budget. A header count is only a claim; past the budget the collection grows as entries
/// are actually decoded, so memory follows the data read rather than the number written.
/// </summary>
internal static class InitialCapacity
{
    /// <summary>The memory a collection may take before its first entry is read.</summary>
    public const int BudgetBytes = 64 << 10;

    /// <summary>The capacity for <paramref name="count"/> entries of about <paramref name="entryBytes"/> bytes each.</summary>
    public static int For(int count, int entryBytes) => Math.Min(count, Math.Max(16, BudgetBytes / Math.Max(1, entryBytes)));
}
