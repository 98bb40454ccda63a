namespace Checkpoint.Redis;

/// <summary>The ids (newest first) and chunk fields of one namespace of a thread, read at one instant.</summary>
internal sealed record NamespaceSnapshot(string EncodedNamespace, string[] Ids, string[] ChunkFields);
