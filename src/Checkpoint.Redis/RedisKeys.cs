using System.Globalization;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// Key layout. Thread ids and namespaces are percent-encoded (<see cref="Uri.EscapeDataString(string)"/>)
/// inside key names, so no value can forge a separator:
/// <list type="bullet">
/// <item><c>P:threads</c> set of encoded thread ids (for listing every thread).</item>
/// <item><c>P:cp:{id}</c> hash per checkpoint: thread, ns, parent (32 hex or empty), body, base.</item>
/// <item><c>P:t:{T}:ns</c> set of the thread's encoded namespaces.</item>
/// <item><c>P:t:{T}:n:{N}:ids</c> sorted set of checkpoint ids (32 hex, score 0, lexicographic = time order).</item>
/// <item><c>P:t:{T}:n:{N}:kids</c> hash parent id to number of children (the Continue conflict marker).</item>
/// <item><c>P:t:{T}:n:{N}:ch</c> hash <c>{blob}:{seq:D10}</c> to chunk bytes; <c>...:chx</c> its lexicographic index.</item>
/// <item><c>P:t:{T}:n:{N}:w</c> hash <c>{checkpoint}|{task}|{index}</c> to a packed write; <c>...:wx</c> its lexicographic index.</item>
/// </list>
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Threads => Prefix + ":threads";

    public static string Encode(string value) => Uri.EscapeDataString(value);

    public static string Hex(Guid id) => id.ToString("N", CultureInfo.InvariantCulture);

    public static Guid ParseHex(string hex) => Guid.ParseExact(hex, "N");

    public RedisKey Checkpoint(Guid id) => Checkpoint(Hex(id));

    public RedisKey Checkpoint(string idHex) => Prefix + ":cp:" + idHex;

    /// <summary>Common prefix of the keys of a thread.</summary>
    public string ThreadBase(string threadId) => EncodedThreadBase(Encode(threadId));

    /// <summary>Common prefix of the keys of a thread, from its encoded id.</summary>
    public string EncodedThreadBase(string encodedThreadId) => Prefix + ":t:" + encodedThreadId;

    /// <summary>Common prefix of the keys of a (thread, namespace).</summary>
    public static string NamespaceBase(string threadBase, string encodedNamespace) => threadBase + ":n:" + encodedNamespace;

    public static RedisKey Namespaces(string threadBase) => threadBase + ":ns";

    public static RedisKey Ids(string namespaceBase) => namespaceBase + ":ids";

    public static RedisKey Children(string namespaceBase) => namespaceBase + ":kids";

    public static RedisKey Chunks(string namespaceBase) => namespaceBase + ":ch";

    public static RedisKey ChunkIndex(string namespaceBase) => namespaceBase + ":chx";

    public static RedisKey Writes(string namespaceBase) => namespaceBase + ":w";

    public static RedisKey WriteIndex(string namespaceBase) => namespaceBase + ":wx";

    /// <summary>Field of a chunk: blob id and zero-padded sequence, so lexicographic order is sequence order.</summary>
    public static string ChunkField(Guid blobId, int sequence) =>
        Hex(blobId) + ":" + sequence.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Field of a pending write.</summary>
    public static string WriteField(string checkpointHex, string taskId, int index) =>
        checkpointHex + "|" + Encode(taskId) + "|" + index.ToString(CultureInfo.InvariantCulture);
}
