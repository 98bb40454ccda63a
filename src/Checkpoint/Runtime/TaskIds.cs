using System.IO.Hashing;
using System.Text;

namespace Checkpoint.Runtime;

/// <summary>Deterministic task ids: the same checkpoint, node and step (and Send index) always give the same id.</summary>
internal static class TaskIds
{
    public static string For(Guid checkpointId, string node, int step) => Hash($"{checkpointId:N}|{node}|{step}");

    /// <summary>The id of the task of the checkpoint's Send number <paramref name="sendIndex"/>: each Send is a task of its own.</summary>
    public static string ForSend(Guid checkpointId, string node, int step, int sendIndex) => Hash($"{checkpointId:N}|{node}|{step}|send:{sendIndex}");

    private static string Hash(string key) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(key)));
}
