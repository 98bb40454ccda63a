namespace Checkpoint;

/// <summary>
/// One task of the next superstep with an argument of its own: a conditional edge that returns several
/// Sends maps work over items (one task per Send, run in parallel), and the channels' reducers merge what
/// the tasks write (reduce), in the order of the Sends. <paramref name="Node"/> must be added with
/// <c>AddNode&lt;TArg&gt;</c>, and <paramref name="Argument"/> must be a <c>TArg</c>; it is stored in the
/// checkpoint (serialized like state), so a run resumed after a crash runs only the Sends that had not finished.
/// </summary>
/// <param name="Node">The argument node to run.</param>
/// <param name="Argument">What the task gets besides the state.</param>
public sealed record Send(string Node, object? Argument);
