using Checkpoint.Storage;

namespace Checkpoint.Net8.Tests;

/// <summary>A small state: an appended list (stored as chunks) and a last value.</summary>
public sealed class NoteState
{
    [Append]
    public List<string> Lines { get; set; } = [];

    public string? Answer { get; set; }
}
