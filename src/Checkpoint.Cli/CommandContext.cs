using System.CommandLine;
using Checkpoint.Serialization;
using Spectre.Console;

namespace Checkpoint.Cli;

using Command = System.CommandLine.Command;

/// <summary>What every command is built with, and the one place errors become messages and exit codes.</summary>
internal sealed class CommandContext(IAnsiConsole console, GlobalOptions options)
{
    public IAnsiConsole Console => console;

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="body"/>, reporting its errors as one line and an exit code.</summary>
    public void SetAction(Command command, Func<CommandSession, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await body(new CommandSession(console, parse, options), cancellationToken).ConfigureAwait(false);
            }
            catch (IncompatibleCheckpointException ex) when (parse.GetValue(options.KeyEnvironmentVariable) is null && ex.Message.Contains("no encryption key", StringComparison.Ordinal))
            {
                return Fail(ExitCodes.Failure, $"{ex.Message} The database is encrypted: put its key in an environment variable and pass --key-env NAME.");
            }
            catch (CliException ex)
            {
                return Fail(ex.ExitCode, ex.Message);
            }
            catch (CheckpointDataException ex)
            {
                return Fail(ExitCodes.Failure, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(ExitCodes.Failure, "cancelled.");
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Data.Common.DbException
                or StackExchange.Redis.RedisException or TimeoutException or ArgumentException or UnauthorizedAccessException)
            {
                return Fail(ExitCodes.Failure, ex.Message);
            }
        });

    private int Fail(int exitCode, string message)
    {
        console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return exitCode;
    }
}
