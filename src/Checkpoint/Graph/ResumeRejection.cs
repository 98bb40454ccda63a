using Checkpoint.Serialization;

namespace Checkpoint;

/// <summary>A resume value an interrupted node could not read as the type it asked for.</summary>
/// <param name="Expected">The <c>TResume</c> of <c>ctx.Interrupt&lt;TResume&gt;</c>.</param>
/// <param name="Given">What the stored resume value is ("a string", "a map (an object)", ...).</param>
/// <param name="Error">The failed read.</param>
internal sealed record ResumeRejection(Type Expected, string Given, IncompatibleCheckpointException Error);
