namespace Checkpoint.Cli;

/// <summary>The exit codes of <c>ckpt</c> (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Corrupt data was found, or the thread, checkpoint or database named does not exist, or the store failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown command or option, a bad value, a bad connection string.</summary>
    public const int Usage = 2;
}
