namespace Checkpoint.Runtime;

/// <summary>
/// An edge out of a node: a fixed target, or a router choosing targets from the state.
/// <see cref="PossibleTargets"/> lists what a router may return, when declared. A fan-out edge's
/// <see cref="SendRouter"/> returns <see cref="Send"/>s instead of node names.
/// </summary>
internal sealed record EdgeSpec<TState>(
    string From,
    string? To,
    Func<TState, IEnumerable<string>>? Router,
    IReadOnlyList<string>? PossibleTargets,
    Func<TState, IEnumerable<Send>>? SendRouter = null)
{
    /// <summary>
    /// The targets; a router gets a fresh state from <paramref name="state"/>, so one that mutates it
    /// affects no other. A router that returns null is named in the error.
    /// </summary>
    public IEnumerable<string> Targets(Func<TState> state)
    {
        if (To is not null)
        {
            return [To];
        }

        if (SendRouter is not null)
        {
            return [];
        }

        var targets = Router!(state()) ?? throw ReturnedNull("null instead of a list of node names");
        return targets.Select(target => target ?? throw ReturnedNull("null"));
    }

    /// <summary>The Sends of a fan-out edge (none for another edge), from a fresh state like <see cref="Targets"/>.</summary>
    public IEnumerable<Send> Sends(Func<TState> state)
    {
        if (SendRouter is null)
        {
            return [];
        }

        var sends = SendRouter(state()) ?? throw ReturnedNull("null instead of a list of Sends");
        return sends.Select(send => send ?? throw ReturnedNull("a null Send"));
    }

    /// <summary>The targets known before running: the fixed one, or the declared router targets.</summary>
    public IEnumerable<string> StaticTargets => To is not null ? [To] : PossibleTargets ?? [];

    private GraphValidationException ReturnedNull(string what) => new(SendRouter is null
        ? $"The router of the conditional edge from '{From}' returned {what}; it must return a node name, or Graph.End (\"{Graph.End}\") to finish."
        : $"The router of the fan-out edge from '{From}' returned {what}; it must return Sends (none to send nothing).");
}
