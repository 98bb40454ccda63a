namespace Checkpoint.Postgres;

/// <summary>Orders pending-write keys by task id (ordinal), then index.</summary>
internal sealed class WriteKeyComparer : IComparer<(string TaskId, int Index)>
{
    public static WriteKeyComparer Instance { get; } = new();

    public int Compare((string TaskId, int Index) x, (string TaskId, int Index) y)
    {
        var byTask = string.CompareOrdinal(x.TaskId, y.TaskId);
        return byTask != 0 ? byTask : x.Index.CompareTo(y.Index);
    }
}
