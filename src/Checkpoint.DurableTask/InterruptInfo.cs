namespace Checkpoint.DurableTask;

/// <summary>An interrupt as an orchestration shows it (custom status, activity output): plain JSON data.</summary>
/// <param name="Id">The interrupt id.</param>
/// <param name="Node">The node it belongs to.</param>
/// <param name="Kind">Dynamic, Before or After.</param>
/// <param name="ValueJson">The value the node gave to <c>Interrupt</c>, as JSON (null for static interrupts).</param>
public sealed record InterruptInfo(string Id, string Node, string Kind, string? ValueJson)
{
    /// <summary>The interrupt as data.</summary>
    public static InterruptInfo From(Interrupt interrupt)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        return new InterruptInfo(interrupt.Id, interrupt.Node, interrupt.Kind.ToString(), JsonValues.InterruptValueJson(interrupt));
    }
}
