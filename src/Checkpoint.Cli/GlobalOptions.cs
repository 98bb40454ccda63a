using System.CommandLine;

namespace Checkpoint.Cli;

/// <summary>The options every command takes: where the data is, and the key to read it with.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The environment variable read when <c>--db</c> is not given.</summary>
    public const string DatabaseVariable = "CKPT_DB";

    public Option<string?> Database { get; } = new("--db", "-d")
    {
        Description = $"The database: sqlite:PATH, a PostgreSQL connection string (Host=...;Schema=... or postgres://...), or redis://host:port/prefix. Default: ${DatabaseVariable}.",
        Recursive = true,
        HelpName = "connection",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DatabaseVariable),
    };

    public Option<string?> KeyEnvironmentVariable { get; } = new("--key-env")
    {
        Description = "Name of an environment variable holding the AES key of an encrypted database (base64 or hex). The key itself is never passed on the command line nor printed.",
        Recursive = true,
        HelpName = "NAME",
    };
}
