namespace Checkpoint;

/// <summary>A node ran longer than its <see cref="NodeOptions.Timeout"/>; its context's cancellation token was cancelled.</summary>
public sealed class NodeTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="node"/> and <paramref name="timeout"/>.</summary>
    public NodeTimeoutException(string node, TimeSpan timeout)
        : base($"Node '{node}' did not finish within its timeout of {timeout.TotalSeconds:0.###} s.")
    {
        Node = node;
        Timeout = timeout;
    }

    /// <summary>The node that timed out.</summary>
    public string Node { get; }

    /// <summary>Its timeout.</summary>
    public TimeSpan Timeout { get; }
}
