namespace Checkpoint.DurableTask;

/// <summary>An interrupt as an orchestration shows it (custom status, activity output): plain JSON data.</summary>
/// <param name="Id">The interrupt id.</param>
/// <param name="Node">The node it belongs to.</param>
/// <param name="Kind">Dynamic, Before or After.</param>
/// <param name="ValueJson">The value the node gave to <c>Interrupt</c>, as JSON (null for static interrupts, or when withheld).</param>
/// <param name="ValueWithheld">
/// True when the interrupt has a value that is kept out of the orchestration (the saver encrypts, see
/// <see cref="DurableGraphOptions.InterruptValuesInOrchestration"/>): read it with <c>graph.GetStateAsync</c>.
/// </param>
public sealed record InterruptInfo(string Id, string Node, string Kind, string? ValueJson, bool ValueWithheld = false)
{
    /// <summary>The interrupt as data, with its value unless <paramref name="includeValue"/> is false.</summary>
    public static InterruptInfo From(Interrupt interrupt, bool includeValue = true)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        return includeValue || interrupt.Payload.Length == 0
            ? new InterruptInfo(interrupt.Id, interrupt.Node, interrupt.Kind.ToString(), JsonValues.InterruptValueJson(interrupt))
            : new InterruptInfo(interrupt.Id, interrupt.Node, interrupt.Kind.ToString(), null, ValueWithheld: true);
    }
}
