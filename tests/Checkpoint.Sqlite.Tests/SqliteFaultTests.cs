using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Checkpoint.CrashWorker;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Injected storage faults on SQLite: a database file that cannot be written, and a disk that fills up
/// mid-run (a child process with a file-size limit, <c>ulimit -f</c>, so the write fails with EFBIG as
/// on a full file system). Each time the run fails with SQLite's own error, no checkpoint is half
/// written (every stored checkpoint reads back whole, the history stays one line), and a resume once
/// the fault is gone ends in the same state and history as a run that never met it.
/// </summary>
[SupportedOSPlatform("linux")] // bash, ulimit and chattr
public sealed class SqliteFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-sqlite-tests", Guid.NewGuid().ToString("N"));

    private string Database => Path.Combine(_directory, "faulted.db");

    private string Log => Path.Combine(_directory, "side-effects.log");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (File.Exists(Database))
        {
            SetReadOnly(Database, false);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_read_only_database_file_fails_the_run_with_sqlites_error_changes_nothing_and_the_run_resumes_once_writable()
    {
        var reference = await CrashReference.RunAsync(Path.Combine(_directory, "reference"));
        await using (var saver = new SqliteCheckpointSaver($"Data Source={Database}"))
        {
            var graph = CrashGraph.Build(Log).Compile(saver);
            _ = await Assert.ThrowsAsync<GraphRecursionException>(() => graph.InvokeAsync(CrashGraph.Input(), CrashGraph.Config with { RecursionLimit = 20 }));
        }

        SqliteConnection.ClearAllPools(); // the last connection closes: the WAL is folded into the file
        var before = Fingerprint();
        SetReadOnly(Database, true);
        try
        {
            await using var saver = new SqliteCheckpointSaver($"Data Source={Database}");
            var graph = CrashGraph.Build(Log).Compile(saver);
            var error = await Record.ExceptionAsync(() => graph.InvokeAsync(null, CrashGraph.Config));
            output.WriteLine(error?.ToString());
            var sqlite = FindSqliteError(error);
            Assert.True(sqlite is { SqliteErrorCode: SqliteReadOnly }, $"expected SQLITE_READONLY, got {error}");
            Assert.Contains("readonly", sqlite.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            SetReadOnly(Database, false);
        }

        Assert.Equal(before, Fingerprint());
        await AssertResumesToReferenceAsync(reference, headStepAtMost: 20);
    }

    [Fact]
    public async Task A_full_disk_fails_the_run_with_sqlites_error_leaves_no_half_written_checkpoint_and_the_run_resumes()
    {
        var reference = await CrashReference.RunAsync(Path.Combine(_directory, "reference"));

        // The worker runs the whole graph (an ack for every step is already in its stdin) under a 64 KiB file-size limit.
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        var start = new ProcessStartInfo("/bin/bash", ["-c", "ulimit -f 64; trap '' XFSZ; exec \"$@\"", "worker", DotnetHost(), worker, Database, Log])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // W^X double-maps code through a memory file the size of the code heap: over the limit, the runtime cannot start.
            Environment = { ["DOTNET_EnableWriteXorExecute"] = "0" },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        for (var i = 0; i < CrashGraph.Supersteps + 10; i++)
        {
            await process.StandardInput.WriteLineAsync("go");
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        var (lines, errors) = (await stdout, await stderr);
        output.WriteLine($"worker exit {process.ExitCode}; last output '{lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}'\n{errors}");

        Assert.DoesNotContain("done", lines.Split('\n').Select(l => l.Trim()));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Microsoft.Data.Sqlite.SqliteException", errors, StringComparison.Ordinal);
        Assert.True(errors.Contains($"SQLite Error {SqliteFull}:", StringComparison.Ordinal) || errors.Contains($"SQLite Error {SqliteIoError}:", StringComparison.Ordinal),
            $"expected SQLITE_FULL or SQLITE_IOERR: {errors}");
        Assert.Contains("step ", lines, StringComparison.Ordinal); // some steps were stored before the disk filled

        await AssertResumesToReferenceAsync(reference, headStepAtMost: CrashGraph.Supersteps - 1);
    }

    /// <summary>
    /// Every stored checkpoint reads back whole (values, tasks) in one linear history whose head is at most
    /// <paramref name="headStepAtMost"/>; then the run, resumed, ends as the uninterrupted one did.
    /// </summary>
    private async Task AssertResumesToReferenceAsync(CrashReference reference, int headStepAtMost)
    {
        await using var saver = new SqliteCheckpointSaver($"Data Source={Database}");
        var graph = CrashGraph.Build(Log).Compile(saver);
        var stored = await CrashCampaign.HistoryAsync(graph);
        Assert.NotEmpty(stored);
        Assert.InRange(stored[0].Step, -1, headStepAtMost);
        for (var i = 0; i < stored.Count - 1; i++)
        {
            Assert.Equal(stored[i + 1].CheckpointId, stored[i].ParentConfig?.CheckpointId);
        }

        // What was stored before the fault is exactly the uninterrupted run's beginning.
        Assert.Equal(reference.History.TakeLast(stored.Count), stored.Select(CrashCampaign.Describe));
        output.WriteLine($"{stored.Count} checkpoints stored before the fault (head step {stored[0].Step})");

        var final = await graph.InvokeAsync(null, CrashGraph.Config);
        var history = await CrashCampaign.HistoryAsync(graph);
        Assert.Equal(reference.Final.Trail, final.Trail);
        Assert.Equal(reference.Final.Digest, final.Digest);
        Assert.Equal(reference.History, history.Select(CrashCampaign.Describe));
    }

    /// <summary>The bytes of the database and its WAL, hashed.</summary>
    private string Fingerprint()
    {
        // SQLite may create an empty WAL beside a read-only file: empty, it holds nothing.
        var parts = new[] { "", "-wal" }.Select(suffix => new FileInfo(Database + suffix)).Where(file => file is { Exists: true, Length: > 0 })
            .Select(file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName))));
        return string.Join(",", parts);
    }

    private static SqliteException? FindSqliteError(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SqliteException sqlite)
            {
                return sqlite;
            }
        }

        return null;
    }

    /// <summary>
    /// Makes the file unwritable: its permission bits, and for root (whom permissions do not stop) the
    /// immutable attribute (<c>chattr +i</c>), which stops every writer.
    /// </summary>
    private static void SetReadOnly(string path, bool readOnly)
    {
        // An immutable file's mode cannot change: the mode goes read-only before the attribute is set, writable after it is cleared.
        if (readOnly)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        if (Environment.UserName == "root")
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [readOnly ? "+i" : "-i", path]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("chattr did not start");
            chattr.WaitForExit();
            Assert.Equal(0, chattr.ExitCode);
        }

        if (!readOnly)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
