using System.CommandLine;
using Checkpoint.Cli.Serve;
using Spectre.Console;

namespace Checkpoint.Cli.Commands;

using Command = System.CommandLine.Command;

/// <summary><c>ckpt serve</c>: the web inspector on 127.0.0.1, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CommandContext context)
    {
        var port = new Option<int>("--port", "-p") { Description = "The port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => InspectorServer.DefaultPort };
        var command = new Command("serve", "Browse threads, history, checkpoints and diffs in a web page on 127.0.0.1 (read-only).") { port };
        context.SetAction(command, async (session, cancellationToken) =>
        {
            if (session.Parse.GetValue(port) is < 0 or > 65535)
            {
                throw CliException.Usage("--port must be between 0 and 65535.");
            }

            await using var saver = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var server = await InspectorServer.StartAsync(saver, session.Connection.Description, session.Parse.GetValue(port), cancellationToken).ConfigureAwait(false);
            session.Console.MarkupLine($"Inspecting {Markup.Escape(session.Connection.Description)} at [bold]{server.Address}[/] (read-only). Ctrl+C stops.");
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
