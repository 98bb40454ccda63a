namespace Checkpoint;

/// <summary>An instruction given to <c>InvokeAsync</c> instead of input.</summary>
public sealed record Command
{
    private Command(object? resumeValue) => ResumeValue = resumeValue;

    /// <summary>The value the interrupted node's <c>Interrupt</c> call returns.</summary>
    public object? ResumeValue { get; }

    /// <summary>Resumes the pending interrupts of the thread with <paramref name="value"/>.</summary>
    public static Command Resume(object? value) => new(value);
}
