using System.Globalization;
using System.Text.Json.Nodes;
using Checkpoint.Storage;

namespace Checkpoint.Cli.Decoding;

/// <summary>
/// The portable export: JSON lines, a header line then one line per checkpoint, oldest first, each carrying its
/// record, the chunks it is the first to reference, and its pending writes. Stored bytes (chunks, inline values,
/// writes, interrupt values) are base64 of the saver-independent envelopes, so an import into any saver gives the
/// same states, ids, parents, metadata and writes; encrypted blobs stay encrypted (bound to the same thread and ids).
/// </summary>
internal static class ExportFormat
{
    public const string Name = "ckpt-export";

    public const int Version = 1;

    public static JsonObject Header(string threadId, int checkpoints) => new()
    {
        ["format"] = Name,
        ["version"] = Version,
        ["thread"] = threadId,
        ["checkpoints"] = checkpoints,
    };

    public static JsonObject Line(CheckpointTuple tuple, IEnumerable<BlobChunk> chunks)
    {
        var record = tuple.Checkpoint;
        var channels = new JsonObject();
        foreach (var (name, stored) in record.Channels.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            channels[name] = new JsonObject
            {
                ["version"] = stored.Version,
                ["layout"] = stored.Layout.ToString(),
                ["inline"] = stored.Inline is { } inline ? Convert.ToBase64String(inline) : null,
                ["runs"] = new JsonArray([.. stored.Runs.Select(run => (JsonNode?)new JsonObject
                {
                    ["blob"] = run.BlobId.ToString(),
                    ["start"] = run.Start,
                    ["end"] = run.End,
                })]),
                ["extendable"] = stored.Extendable,
            };
        }

        var seen = new JsonObject();
        foreach (var (node, versions) in record.VersionsSeen.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            seen[node] = new JsonObject(versions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        return new JsonObject
        {
            ["type"] = "checkpoint",
            ["id"] = record.Id.ToString(),
            ["threadId"] = record.ThreadId,
            ["namespace"] = record.Namespace,
            ["parentId"] = record.ParentId?.ToString(),
            ["step"] = record.Step,
            ["source"] = record.Source.ToString(),
            ["createdAt"] = record.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["channels"] = channels,
            ["versionsSeen"] = seen,
            ["next"] = new JsonArray([.. record.NextNodes.Select(n => (JsonNode?)n)]),
            ["interrupts"] = new JsonArray([.. record.Interrupts.Select(i => (JsonNode?)new JsonObject
            {
                ["id"] = i.Id,
                ["node"] = i.Node,
                ["taskId"] = i.TaskId,
                ["value"] = Convert.ToBase64String(i.Value),
            })]),
            ["metadata"] = new JsonObject(record.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["chunks"] = new JsonArray([.. chunks.OrderBy(c => c.BlobId).ThenBy(c => c.Sequence).Select(c => (JsonNode?)new JsonObject
            {
                ["blob"] = c.BlobId.ToString(),
                ["sequence"] = c.Sequence,
                ["data"] = Convert.ToBase64String(c.Data),
            })]),
            ["writes"] = new JsonArray([.. tuple.PendingWrites.Select(w => (JsonNode?)new JsonObject
            {
                ["taskId"] = w.TaskId,
                ["node"] = w.Node,
                ["index"] = w.Index,
                ["channel"] = w.Channel,
                ["value"] = Convert.ToBase64String(w.Value),
            })]),
        };
    }

    /// <summary>Reads a checkpoint line back; a <see cref="FormatException"/> names the field at fault.</summary>
    public static (CheckpointRecord Record, List<BlobChunk> Chunks, List<PendingWrite> Writes) Read(JsonObject line)
    {
        var channels = new Dictionary<string, ChannelValueRef>(StringComparer.Ordinal);
        foreach (var (name, node) in Object(line, "channels"))
        {
            var channel = node as JsonObject ?? throw new FormatException($"channel '{name}' is not an object.");
            channels[name] = new ChannelValueRef
            {
                Version = Value<long>(channel, "version"),
                Layout = Enum.Parse<ChannelLayout>(Value<string>(channel, "layout")),
                Inline = channel["inline"] is JsonValue inline ? Convert.FromBase64String(inline.GetValue<string>()) : null,
                Runs = [.. Array(channel, "runs").Select(run => new BlobRun(Guid.Parse(Value<string>(run!.AsObject(), "blob")), Value<int>(run.AsObject(), "end"))
                {
                    Start = Value<int>(run.AsObject(), "start"),
                })],
                Extendable = Value<bool>(channel, "extendable"),
            };
        }

        var record = new CheckpointRecord
        {
            Id = Guid.Parse(Value<string>(line, "id")),
            ThreadId = Value<string>(line, "threadId"),
            Namespace = Value<string>(line, "namespace"),
            ParentId = line["parentId"] is JsonValue parent ? Guid.Parse(parent.GetValue<string>()) : null,
            Step = Value<int>(line, "step"),
            Source = Enum.Parse<CheckpointSource>(Value<string>(line, "source")),
            CreatedAt = DateTimeOffset.Parse(Value<string>(line, "createdAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            Channels = channels,
            VersionsSeen = Object(line, "versionsSeen").ToDictionary(
                p => p.Key,
                p => (IReadOnlyDictionary<string, long>)p.Value!.AsObject().ToDictionary(v => v.Key, v => v.Value!.GetValue<long>(), StringComparer.Ordinal),
                StringComparer.Ordinal),
            NextNodes = [.. Array(line, "next").Select(n => n!.GetValue<string>())],
            Interrupts = [.. Array(line, "interrupts").Select(i => new InterruptRecord(
                Value<string>(i!.AsObject(), "id"), Value<string>(i.AsObject(), "node"), Value<string>(i.AsObject(), "taskId"),
                Convert.FromBase64String(Value<string>(i.AsObject(), "value"))))],
            Metadata = Object(line, "metadata").ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal),
        };
        var chunks = Array(line, "chunks").Select(c => new BlobChunk(
            Guid.Parse(Value<string>(c!.AsObject(), "blob")), Value<int>(c.AsObject(), "sequence"), Convert.FromBase64String(Value<string>(c.AsObject(), "data")))).ToList();
        var writes = Array(line, "writes").Select(w => new PendingWrite(
            Value<string>(w!.AsObject(), "taskId"), Value<string>(w.AsObject(), "node"), Value<int>(w.AsObject(), "index"),
            Value<string>(w.AsObject(), "channel"), Convert.FromBase64String(Value<string>(w.AsObject(), "value")))).ToList();
        return (record, chunks, writes);
    }

    private static T Value<T>(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<T>(out var result) ? result : throw new FormatException($"field '{name}' is missing or not a {typeof(T).Name}.");

    private static JsonObject Object(JsonObject node, string name) => node[name] as JsonObject ?? throw new FormatException($"field '{name}' is missing or not an object.");

    private static JsonArray Array(JsonObject node, string name) => node[name] as JsonArray ?? throw new FormatException($"field '{name}' is missing or not an array.");
}
