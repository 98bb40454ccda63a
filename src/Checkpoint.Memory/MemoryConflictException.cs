namespace Checkpoint.Memory;

/// <summary>A put whose <see cref="MemoryWrite.ExpectedVersion"/> did not match the stored version.</summary>
public sealed class MemoryConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MemoryConflictException(MemoryNamespace memoryNamespace, string key, long expectedVersion, long actualVersion)
        : base($"Memory '{memoryNamespace}' key '{key}': expected version {expectedVersion}, but the stored version is {actualVersion}" +
               (actualVersion == 0 ? " (it does not exist)." : expectedVersion == 0 ? " (it must not exist)." : "."))
    {
        Namespace = memoryNamespace;
        Key = key;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The namespace of the item.</summary>
    public MemoryNamespace Namespace { get; }

    /// <summary>The key of the item.</summary>
    public string Key { get; }

    /// <summary>The version the write required (0: must not exist).</summary>
    public long ExpectedVersion { get; }

    /// <summary>The stored version (0: it does not exist).</summary>
    public long ActualVersion { get; }
}
