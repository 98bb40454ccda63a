namespace Checkpoint.Cli;

/// <summary>An error the tool reports as one line and an exit code, without a stack trace.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public CliException()
        : this(ExitCodes.Failure, "ckpt failed.")
    {
    }

    public CliException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public CliException(string message, Exception innerException)
        : this(ExitCodes.Failure, message, innerException)
    {
    }

    /// <summary>The process exit code for this error (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException NotFound(string message) => new(ExitCodes.Failure, message);
}
