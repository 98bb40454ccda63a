using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Reporting a resume value the interrupted node could not read.</summary>
internal sealed partial class GraphRun<TState>
{
    /// <summary>The type of the value this run resumed with, when it did: named in a mismatch.</summary>
    private Type? _resumeType;

    private IncompatibleCheckpointException ResumeRejected(CheckpointRecord current, string node, ResumeRejection rejection)
    {
        var expected = TypeNames.Of(rejection.Expected);
        var given = _resumeType is { } type ? $"a {TypeNames.Of(type)}" : rejection.Given;
        return new IncompatibleCheckpointException(
            new BlobLocation(config.ThreadId, current.Id, SpecialChannels.Resume),
            $"node '{node}' asked for a {expected} (ctx.Interrupt<{expected}>) but was resumed with {given}. " +
            $"The interrupt is still pending: resume it with a {expected}.",
            rejection.Error);
    }
}
