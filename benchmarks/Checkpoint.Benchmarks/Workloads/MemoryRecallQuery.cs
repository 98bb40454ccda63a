namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// One labelled query of the recall set: the ids of the memories that answer it, and a tag:
/// <c>keyword</c> (exact tokens: ids, codes, versions, rare names), <c>meaning</c> (a paraphrase sharing no
/// content word with its memories but the subject's name) or <c>both</c>.
/// </summary>
public sealed record MemoryRecallQuery(string Id, string Text, IReadOnlyList<string> Relevant, string Tag);
