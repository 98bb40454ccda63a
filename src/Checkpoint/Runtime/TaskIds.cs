using System.IO.Hashing;
using System.Text;

namespace Checkpoint.Runtime;

/// <summary>Deterministic task ids: the same checkpoint, node and step always give the same id.</summary>
internal static class TaskIds
{
    public static string For(Guid checkpointId, string node, int step)
    {
        var hash = XxHash128.Hash(Encoding.UTF8.GetBytes($"{checkpointId:N}|{node}|{step}"));
        return Convert.ToHexStringLower(hash);
    }
}
