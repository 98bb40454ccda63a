namespace Checkpoint;

/// <summary>An instruction given to <c>InvokeAsync</c> instead of input.</summary>
public sealed record Command
{
    private Command(object? resumeValue, IReadOnlyDictionary<string, object?>? resumeValues)
    {
        ResumeValue = resumeValue;
        ResumeValues = resumeValues;
    }

    /// <summary>The value the interrupted node's <c>Interrupt</c> call returns (every pending interrupt's, unless <see cref="ResumeValues"/> is set).</summary>
    public object? ResumeValue { get; }

    /// <summary>The value of each interrupt to resume, by <see cref="Interrupt.Id"/>; null when one value answers them all.</summary>
    public IReadOnlyDictionary<string, object?>? ResumeValues { get; }

    /// <summary>Resumes every pending interrupt of the thread with <paramref name="value"/>.</summary>
    public static Command Resume(object? value) => new(value, null);

    /// <summary>
    /// Resumes each interrupt named in <paramref name="valuesByInterruptId"/> (keys: <see cref="Interrupt.Id"/>, as the
    /// snapshot or the interrupted result lists them) with its own value. Interrupts not named stay pending: their
    /// nodes run again and ask again. An id that names no pending interrupt is refused, listing the pending ones.
    /// </summary>
    public static Command ResumeEach(IReadOnlyDictionary<string, object?> valuesByInterruptId)
    {
        ArgumentNullException.ThrowIfNull(valuesByInterruptId);
        ArgumentOutOfRangeException.ThrowIfZero(valuesByInterruptId.Count, nameof(valuesByInterruptId));
        return new(null, new Dictionary<string, object?>(valuesByInterruptId, StringComparer.Ordinal));
    }
}
