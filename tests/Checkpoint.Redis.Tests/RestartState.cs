namespace Checkpoint.Redis.Tests;

/// <summary>The state of <see cref="RedisRestartFaultTests"/>' graph: an appended list (chunks) and a counter.</summary>
public sealed class RestartState
{
    /// <summary>One item per step.</summary>
    [Append]
    public List<string> Items { get; set; } = [];

    /// <summary>Steps run.</summary>
    public int Counter { get; set; }
}
