using System.Globalization;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// Key layout. Thread ids and namespaces are percent-encoded (<see cref="Uri.EscapeDataString(string)"/>)
/// inside key names and fields, so no value can forge a <c>:</c> or <c>|</c> separator. Every key of a
/// thread is per thread (not per namespace or per checkpoint): the namespace is the first part of
/// the field or member (<c>{N}|...</c>), so a thread has a constant number of keys.
/// <list type="bullet">
/// <item><c>P:threads</c> set of encoded thread ids (for listing every thread). Global, no TTL.</item>
/// <item><c>P:ix</c> hash checkpoint id to encoded thread (for <c>GetByIdAsync</c>). Global, no TTL; validated on read.</item>
/// <item><c>P:ixt</c> sorted set <c>{T}|{id}</c> (score 0): the entries of <c>P:ix</c> by thread, to drop them with the thread
/// (also once its keys expired); a record group has one member <c>{T}|{last id}g</c> followed by its ids (16 bytes each).</item>
/// <item><c>P:t:{T}:ns</c> set of the thread's encoded namespaces.</item>
/// <item><c>P:t:{T}:ids</c> sorted set <c>{N}|{id}</c> (score 0, lexicographic = time order within a namespace); a record
/// group has one member <c>{N}|{last id}g</c>, which sorts right after its newest id.</item>
/// <item><c>P:t:{T}:cp</c> hash id to <c>{N}|{parent}|{body}</c> (a loose record), and <c>{last id}g</c> to a record group:
/// the records of 32 older checkpoints of a namespace, compressed together (<see cref="RedisRecordGroups"/>; all but
/// the newest 16 of a namespace are grouped, after puts whose step is a multiple of 16).</item>
/// <item><c>P:t:{T}:kids</c> hash <c>{N}|{parent}</c> to number of children (the Continue conflict marker).</item>
/// <item><c>P:t:{T}:ch</c> hash <c>{N}|{blob}:{seq:D10}</c> to chunk bytes; <c>...:chx</c> its lexicographic index.</item>
/// <item><c>P:t:{T}:w</c> hash <c>{N}|{checkpoint}|{task}|{index}</c> to a packed write; <c>...:wx</c> its lexicographic index.</item>
/// <item><c>P:t:{T}:rp</c> the layout counter: bumped by every repack swap and every group formed or released, checked by prune.</item>
/// </list>
/// Per grouped checkpoint this costs ~27 B in its group, ~17 B in <c>P:ixt</c>, plus its <c>P:ix</c> and <c>kids</c>
/// entries (W1 at N=500: 121.6 KB in all, against 340-361 KB with every record loose); the layout without groups (every
/// record loose, as written before groups existed) is read as is and grouped by later puts.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Threads => Prefix + ":threads";

    /// <summary>Global hash: checkpoint id to encoded thread id.</summary>
    public RedisKey Index => Prefix + ":ix";

    /// <summary>Global sorted set <c>{T}|{id}</c>: the index entries grouped by thread.</summary>
    public RedisKey IndexByThread => Prefix + ":ixt";

    public static string Encode(string value) => Uri.EscapeDataString(value);

    public static string Decode(string value) => Uri.UnescapeDataString(value);

    public static string Hex(Guid id) => id.ToString("N", CultureInfo.InvariantCulture);

    public static Guid ParseHex(string hex) => Guid.ParseExact(hex, "N");

    /// <summary>Common prefix of the keys of a thread.</summary>
    public string ThreadBase(string threadId) => EncodedThreadBase(Encode(threadId));

    /// <summary>Common prefix of the keys of a thread, from its encoded id.</summary>
    public string EncodedThreadBase(string encodedThreadId) => Prefix + ":t:" + encodedThreadId;

    public static RedisKey Namespaces(string threadBase) => threadBase + ":ns";

    public static RedisKey Ids(string threadBase) => threadBase + ":ids";

    public static RedisKey Records(string threadBase) => threadBase + ":cp";

    public static RedisKey Children(string threadBase) => threadBase + ":kids";

    public static RedisKey Chunks(string threadBase) => threadBase + ":ch";

    public static RedisKey ChunkIndex(string threadBase) => threadBase + ":chx";

    /// <summary>The thread's repack counter: bumped by every repack swap, checked by prune.</summary>
    public static RedisKey RepackCounter(string threadBase) => threadBase + ":rp";

    public static RedisKey Writes(string threadBase) => threadBase + ":w";

    public static RedisKey WriteIndex(string threadBase) => threadBase + ":wx";

    /// <summary>
    /// Field of a chunk within a namespace (the scripts prefix it with <c>{N}|</c>): blob id and
    /// zero-padded sequence, so lexicographic order is sequence order.
    /// </summary>
    public static string ChunkField(Guid blobId, int sequence) =>
        Hex(blobId) + ":" + sequence.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Field of a pending write within a namespace (the scripts prefix it with <c>{N}|</c>).</summary>
    public static string WriteField(string checkpointHex, string taskId, int index) =>
        checkpointHex + "|" + Encode(taskId) + "|" + index.ToString(CultureInfo.InvariantCulture);
}
