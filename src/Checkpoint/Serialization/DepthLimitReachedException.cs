namespace Checkpoint.Serialization;

/// <summary>Thrown inside MessagePack by <see cref="DepthLimitResolver"/>; the serializer turns it into <see cref="CheckpointLimitExceededException"/>.</summary>
internal sealed class DepthLimitReachedException(string message) : Exception(message);
