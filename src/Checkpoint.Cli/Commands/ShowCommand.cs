using System.CommandLine;
using System.Globalization;
using Checkpoint.Cli.Decoding;
using Spectre.Console;
using Spectre.Console.Json;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt show CHECKPOINT</c>: a checkpoint's state as JSON, its channels, pending writes, interrupts and metadata.</summary>
internal static class ShowCommand
{
    public static Command Create(CommandContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint id, or a thread id for its latest checkpoint." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (for scripts) instead of tables." };
        var command = new Command("show", "Show a checkpoint: state, channels, pending writes, interrupts, metadata.") { checkpoint, json };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var tuple = await Lookups.CheckpointAsync(saver, session.Parse.GetValue(checkpoint)!, cancellationToken).ConfigureAwait(false);
            var raw = await new CheckpointReader(saver).ReadAsync(tuple, cancellationToken).ConfigureAwait(false);
            var document = CheckpointJson.ToJson(raw);
            if (session.Parse.GetValue(json))
            {
                session.WriteRaw(document.ToJsonString(CheckpointJson.Indented));
                return ExitCodes.Ok;
            }

            Render(session.Console, raw, document);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, RawCheckpoint raw, System.Text.Json.Nodes.JsonObject document)
    {
        var record = raw.Record;
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("[bold]checkpoint[/]", record.Id.ToString());
        header.AddRow("thread", Markup.Escape(record.ThreadId) + (record.Namespace.Length > 0 ? $" (namespace {Markup.Escape(record.Namespace)})" : ""));
        header.AddRow("parent", record.ParentId?.ToString() ?? "(none)");
        header.AddRow("step", $"{record.Step} ({record.Source.ToString().ToLowerInvariant()})");
        header.AddRow("created", Lookups.Time(record.CreatedAt));
        header.AddRow("next", record.NextNodes.Count == 0 ? "(end)" : Markup.Escape(string.Join(", ", record.NextNodes)));
        header.AddRow("metadata", record.Metadata.Count == 0 ? "(none)" : Markup.Escape(string.Join(", ", record.Metadata.Select(p => $"{p.Key}={p.Value}"))));
        console.Write(header);

        console.Write(new Rule("[bold]state[/]").LeftJustified());
        console.Write(new JsonText(document["state"]!.ToJsonString(CheckpointJson.Indented)));
        console.WriteLine();

        var channels = new Table().AddColumns("Channel", "Layout", "Version", "Items", "Bytes");
        foreach (var channel in raw.Channels)
        {
            channels.AddRow(
                Markup.Escape(channel.Name), channel.Layout.ToString().ToLowerInvariant(), channel.Version.ToString(CultureInfo.InvariantCulture),
                channel.Items?.ToString(CultureInfo.InvariantCulture) ?? "", Lookups.Bytes(channel.Bytes));
        }

        console.Write(channels);
        if (raw.Writes.Count > 0)
        {
            console.Write(new Rule("[bold]pending writes[/]").LeftJustified());
            var writes = new Table().AddColumns("Node", "Task", "#", "Channel", "Value");
            foreach (var write in raw.Writes)
            {
                writes.AddRow(
                    Markup.Escape(write.Node), Markup.Escape(Short(write.TaskId)), write.Index.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(write.Channel), Markup.Escape(write.Value?.ToJsonString() ?? ""));
            }

            console.Write(writes);
        }

        var interrupts = CheckpointJson.Interrupts(raw).ToList();
        console.Write(new Rule("[bold]interrupts[/]").LeftJustified());
        if (interrupts.Count == 0)
        {
            console.WriteLine("(none)");
        }

        foreach (var interrupt in interrupts)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(interrupt.Node)}[/]: {Markup.Escape(interrupt.Value?.ToJsonString() ?? "(no value)")}");
        }
    }

    private static string Short(string taskId) => taskId.Length > 12 ? taskId[..12] + "…" : taskId;
}
