using System.Text.Json;
using System.Text.Json.Nodes;
using Checkpoint.Storage;

namespace Checkpoint.Cli.Decoding;

/// <summary>The JSON form of a decoded checkpoint, as <c>ckpt show --json</c> prints it.</summary>
internal static class CheckpointJson
{
    /// <summary>Indented, and without escaping characters such as '+' or non-ASCII letters that JSON allows as they are.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One line (export files), with the same escaping as <see cref="Indented"/>.</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject ToJson(RawCheckpoint checkpoint)
    {
        var record = checkpoint.Record;
        var state = new JsonObject();
        foreach (var channel in checkpoint.Channels)
        {
            state[channel.Name] = channel.Value?.DeepClone();
        }

        return new JsonObject
        {
            ["id"] = record.Id.ToString(),
            ["threadId"] = record.ThreadId,
            ["namespace"] = record.Namespace,
            ["parentId"] = record.ParentId?.ToString(),
            ["step"] = record.Step,
            ["source"] = record.Source.ToString(),
            ["createdAt"] = record.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["next"] = new JsonArray([.. record.NextNodes.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["metadata"] = new JsonObject(record.Metadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
            ["state"] = state,
            ["channels"] = new JsonArray([.. checkpoint.Channels.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["layout"] = c.Layout.ToString(),
                ["version"] = c.Version,
                ["bytes"] = c.Bytes,
                ["items"] = c.Items,
            })]),
            ["pendingWrites"] = new JsonArray([.. checkpoint.Writes.Select(w => (JsonNode?)Write(w))]),
            ["interrupts"] = new JsonArray([.. Interrupts(checkpoint).Select(w => (JsonNode?)Write(w))]),
        };
    }

    /// <summary>The interrupts waiting at the checkpoint: static ones in the record, and raised ones no resume answers yet.</summary>
    public static IEnumerable<RawWrite> Interrupts(RawCheckpoint checkpoint) =>
        checkpoint.Interrupts.Concat(checkpoint.Writes.Where(w => w.Channel == SpecialChannels.Interrupt
            && !checkpoint.Writes.Any(r => r.Channel == SpecialChannels.Resume && r.TaskId == w.TaskId && r.Index == w.Index)));

    private static JsonObject Write(RawWrite write) => new()
    {
        ["taskId"] = write.TaskId,
        ["node"] = write.Node,
        ["index"] = write.Index,
        ["channel"] = write.Channel,
        ["value"] = write.Value?.DeepClone(),
    };
}
