namespace SharedMemory;

/// <summary>What the shared-memory demo showed.</summary>
/// <param name="PromptBefore">The planner's prompt before the researcher learned the fact.</param>
/// <param name="PromptAfter">The planner's prompt after (it shows the fact).</param>
/// <param name="Entries">Entries in the shared fact after both agents appended.</param>
/// <param name="DistinctEntries">Distinct entries among them.</param>
/// <param name="Version">The shared fact's version (one per committed append).</param>
/// <param name="AppendReports">What the agents said about their appends (conflicts retried).</param>
public sealed record SharedMemoryResult(string PromptBefore, string PromptAfter, int Entries, int DistinctEntries, long Version, string AppendReports);
