using System.CommandLine;
using Checkpoint.Cli.Connections;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Spectre.Console;

namespace Checkpoint.Cli;

/// <summary>What one command invocation works with: the console, its parsed options, and the saver it opens.</summary>
internal sealed class CommandSession(IAnsiConsole console, ParseResult parse, GlobalOptions options)
{
    public IAnsiConsole Console => console;

    public ParseResult Parse => parse;

    public StoreConnection Connection => StoreConnection.Parse(parse.GetValue(options.Database));

    public CheckpointSerializer Serializer => EncryptionKeys.Serializer(KeyVariable);

    /// <summary>The name given to <c>--key-env</c>, or null.</summary>
    public string? KeyVariable => parse.GetValue(options.KeyEnvironmentVariable);

    /// <summary>Opens the saver for reading (never creates a database) or, with <paramref name="create"/>, for writing.</summary>
    public Task<CheckpointSaver> OpenAsync(CancellationToken cancellationToken, bool create = false) => OpenAsync(Serializer, cancellationToken, create);

    /// <summary>Opens the saver with <paramref name="serializer"/> instead of the one <c>--key-env</c> gives.</summary>
    public Task<CheckpointSaver> OpenAsync(CheckpointSerializer serializer, CancellationToken cancellationToken, bool create = false)
    {
        var connection = Connection;
        return SaverFactory.OpenAsync(connection, serializer, create, cancellationToken);
    }

    /// <summary>Writes text as it is (no markup, no wrapping): machine output such as JSON.</summary>
    public void WriteRaw(string text) => console.Profile.Out.Writer.WriteLine(text);
}
