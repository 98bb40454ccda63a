using System.Text.Json.Nodes;
using Checkpoint.Cli.Commands;
using Checkpoint.Cli.Decoding;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Checkpoint.Cli.Serve;

/// <summary>
/// The inspector's routes: the page and its assets, and read-only JSON built by the same decoding as
/// <c>ckpt show --json</c> and <c>ckpt diff --json</c>. Only GET is mapped: nothing here changes the database.
/// </summary>
internal static class InspectorApi
{
    private const string Json = "application/json; charset=utf-8";

    public static void Map(IEndpointRouteBuilder routes, CheckpointSaver saver, string description)
    {
        routes.MapGet("/", () => Asset("index.html"));
        routes.MapGet("/assets/{name}", (string name) => Asset(name));
        routes.MapGet("/api/database", () => Ok(new JsonObject { ["description"] = description }));
        routes.MapGet("/api/threads", (CancellationToken ct) => Guarded(() => ThreadsAsync(saver, ct)));
        routes.MapGet("/api/threads/{id}/history", (string id, CancellationToken ct) => Guarded(() => HistoryAsync(saver, id, ct)));
        routes.MapGet("/api/checkpoints/{id}", (string id, CancellationToken ct) => Guarded(() => CheckpointAsync(saver, id, ct)));
        routes.MapGet("/api/diff", (string? a, string? b, CancellationToken ct) => Guarded(() => DiffAsync(saver, a, b, ct)));
    }

    private static async Task<JsonNode> ThreadsAsync(CheckpointSaver saver, CancellationToken cancellationToken)
    {
        var threads = new JsonArray();
        await foreach (var summary in saver.ListThreadSummariesAsync(new ThreadQuery(), cancellationToken).ConfigureAwait(false))
        {
            var sizes = await StorageSizes.MeasureAsync(saver, summary.ThreadId, cancellationToken).ConfigureAwait(false);
            threads.Add(new JsonObject
            {
                ["threadId"] = summary.ThreadId,
                ["step"] = summary.Step,
                ["checkpoints"] = sizes.Checkpoints,
                ["updatedAt"] = summary.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["next"] = new JsonArray([.. summary.Next.Select(n => (JsonNode?)JsonValue.Create(n))]),
                ["interrupted"] = summary.Interrupted,
                ["bytes"] = sizes.Total,
            });
        }

        return threads;
    }

    /// <summary>Every checkpoint of the thread oldest first, with its parent: the page draws the tree and its forks.</summary>
    private static async Task<JsonNode> HistoryAsync(CheckpointSaver saver, string threadId, CancellationToken cancellationToken)
    {
        var tuples = await Lookups.ThreadAsync(saver, threadId, cancellationToken).ConfigureAwait(false);
        var children = tuples.Where(t => t.Checkpoint.ParentId is not null).ToLookup(t => t.Checkpoint.ParentId!.Value);
        return new JsonObject
        {
            ["threadId"] = threadId,
            ["checkpoints"] = new JsonArray([.. tuples.Select(tuple => (JsonNode?)new JsonObject
            {
                ["id"] = tuple.Checkpoint.Id.ToString(),
                ["parentId"] = tuple.Checkpoint.ParentId?.ToString(),
                ["namespace"] = tuple.Checkpoint.Namespace,
                ["step"] = tuple.Checkpoint.Step,
                ["source"] = tuple.Checkpoint.Source.ToString(),
                ["createdAt"] = tuple.Checkpoint.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["next"] = new JsonArray([.. tuple.Checkpoint.NextNodes.Select(n => (JsonNode?)JsonValue.Create(n))]),
                ["interrupted"] = tuple.Checkpoint.Interrupts.Count > 0 || tuple.PendingWrites.Any(w => w.Channel == SpecialChannels.Interrupt),
                ["fork"] = children[tuple.Checkpoint.Id].Count() > 1,
                ["metadata"] = new JsonObject(tuple.Checkpoint.Metadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
            })]),
        };
    }

    private static async Task<JsonNode> CheckpointAsync(CheckpointSaver saver, string id, CancellationToken cancellationToken)
    {
        var tuple = await Lookups.CheckpointAsync(saver, id, cancellationToken).ConfigureAwait(false);
        return CheckpointJson.ToJson(await new CheckpointReader(saver).ReadAsync(tuple, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<JsonNode> DiffAsync(CheckpointSaver saver, string? a, string? b, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            throw CliException.Usage("Name both checkpoints: /api/diff?a=ID&b=ID.");
        }

        var reader = new CheckpointReader(saver);
        var from = await reader.ReadAsync(await Lookups.CheckpointAsync(saver, a, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var to = await reader.ReadAsync(await Lookups.CheckpointAsync(saver, b, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["a"] = new JsonObject { ["id"] = from.Record.Id.ToString(), ["step"] = from.Record.Step },
            ["b"] = new JsonObject { ["id"] = to.Record.Id.ToString(), ["step"] = to.Record.Step },
            ["changes"] = new JsonArray([.. ChannelChange.Between(from, to).Select(c => (JsonNode?)c.ToJson())]),
        };
    }

    /// <summary>Runs a read, turning the tool's errors into JSON: 400 for a bad request, 404 for what does not exist, 500 for data it cannot read.</summary>
    private static async Task<IResult> Guarded(Func<Task<JsonNode>> read)
    {
        try
        {
            return Ok(await read().ConfigureAwait(false));
        }
        catch (CliException ex)
        {
            return Error(ex.ExitCode == ExitCodes.Usage ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound, ex.Message);
        }
        catch (CheckpointDataException ex)
        {
            return Error(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }

    private static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(CheckpointJson.Compact), Json);

    private static IResult Error(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(CheckpointJson.Compact), Json, statusCode: status);

    private static IResult Asset(string name) => EmbeddedAssets.Find(name) is { } asset
        ? Results.Bytes(asset.Bytes, asset.ContentType)
        : Results.NotFound();
}
