namespace Checkpoint.CrashWorker;

/// <summary>Reports repack progress on the repacking thread itself; exits when the parent went away.</summary>
internal sealed class BlockReport(Func<int, bool> report) : IProgress<int>
{
    public void Report(int value)
    {
        if (!report(value))
        {
            Environment.Exit(3); // the parent went away
        }
    }
}
