using System.CommandLine;
using System.Text.Json.Nodes;
using Checkpoint.Cli.Decoding;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt diff A B</c>: per channel, the list items removed and added, or the value before and after.</summary>
internal static class DiffCommand
{
    public static Command Create(CommandContext context)
    {
        var first = new Argument<string>("a") { Description = "The checkpoint to compare from (an id, or a thread id for its latest)." };
        var second = new Argument<string>("b") { Description = "The checkpoint to compare to." };
        var json = new Option<bool>("--json") { Description = "Print the changes as JSON." };
        var command = new Command("diff", "Compare two checkpoints channel by channel.") { first, second, json };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            var reader = new CheckpointReader(saver);
            var a = await reader.ReadAsync(await Lookups.CheckpointAsync(saver, session.Parse.GetValue(first)!, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var b = await reader.ReadAsync(await Lookups.CheckpointAsync(saver, session.Parse.GetValue(second)!, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var changes = ChannelChange.Between(a, b);
            if (session.Parse.GetValue(json))
            {
                session.WriteRaw(new JsonArray([.. changes.Select(c => (JsonNode?)c.ToJson())]).ToJsonString(CheckpointJson.Indented));
                return ExitCodes.Ok;
            }

            session.Console.MarkupLine($"from [bold]{a.Record.Id}[/] (step {a.Record.Step})");
            session.Console.MarkupLine($"to   [bold]{b.Record.Id}[/] (step {b.Record.Step})");
            if (changes.Count == 0)
            {
                session.Console.WriteLine("No channel differs.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Channel", "Change");
            foreach (var change in changes)
            {
                table.AddRow(new Markup(Markup.Escape(change.Channel)), Describe(change));
            }

            session.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Markup Describe(ChannelChange change)
    {
        if (change.Added is not null && change.Removed is not null)
        {
            var lines = change.Removed.Select(item => $"[red]- {Markup.Escape(item?.ToJsonString() ?? "null")}[/]")
                .Concat(change.Added.Select(item => $"[green]+ {Markup.Escape(item?.ToJsonString() ?? "null")}[/]"));
            return new Markup(string.Join("\n", lines));
        }

        return change.Kind switch
        {
            "added" => new Markup($"[green]added[/] {Markup.Escape(change.After?.ToJsonString() ?? "null")}"),
            "removed" => new Markup($"[red]removed[/] (was {Markup.Escape(change.Before?.ToJsonString() ?? "null")})"),
            _ => new Markup($"{Markup.Escape(change.Before?.ToJsonString() ?? "null")} [yellow]→[/] {Markup.Escape(change.After?.ToJsonString() ?? "null")}"),
        };
    }
}
