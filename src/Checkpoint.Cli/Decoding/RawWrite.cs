using System.Text.Json.Nodes;

namespace Checkpoint.Cli.Decoding;

/// <summary>A pending write (or an interrupt raised at the checkpoint), decoded without the application's types.</summary>
internal sealed record RawWrite(string TaskId, string Node, int Index, string Channel, JsonNode? Value, int Bytes);
