using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>
/// Redis killed (SIGKILL) mid-run and started again: a private server with an fsync-always append-only file
/// (the shared test server keeps nothing on disk), killed while a step runs, so that step's put finds no
/// server. The run fails with StackExchange.Redis' connection error; once the server is back (replaying its
/// append-only file) the same saver and connection resume the run to the state and history of a run that
/// never met the fault.
/// </summary>
public sealed class RedisRestartFaultTests : IAsyncDisposable
{
    private const int Steps = 12;
    private const int FaultyStep = 6;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-redis-tests", Guid.NewGuid().ToString("N"));
    private readonly int _port = FreePort();
    private Process? _server;

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_killed_mid_run_fails_the_run_with_a_connection_error_and_the_run_resumes_once_it_is_back()
    {
        Directory.CreateDirectory(_directory);
        await StartServerAsync();
        var options = ConfigurationOptions.Parse($"127.0.0.1:{_port}");
        (options.AbortOnConnectFail, options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout) = (false, 5_000, 5_000, 5_000);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await using var saver = new RedisCheckpointSaver(connection, new RedisCheckpointSaverOptions { KeyPrefix = "fault" });

        var reference = Build().Compile(saver);
        _ = await reference.InvokeAsync(new RestartState(), Config("reference"));
        var expected = await HistoryAsync(reference, "reference");

        var killed = false;
        var graph = Build(async counter =>
        {
            if (counter == FaultyStep && !killed)
            {
                killed = true;
                _server!.Kill(); // SIGKILL: no shutdown save; what was acknowledged is in the append-only file
                await _server.WaitForExitAsync();
            }
        }).Compile(saver);
        var error = await Record.ExceptionAsync(() => graph.InvokeAsync(new RestartState(), Config("faulted")));
        Assert.True(killed);
        Assert.True(error is RedisConnectionException or RedisTimeoutException || error?.InnerException is RedisConnectionException or RedisTimeoutException,
            $"expected a Redis connection error, got {error}");

        await StartServerAsync();
        await WaitConnectedAsync(connection);

        // Nothing of the failed step was stored: the head is the step before it, whole and readable.
        var head = await graph.GetStateAsync(Config("faulted"));
        Assert.NotNull(head);
        Assert.Equal(FaultyStep, head.Values.Counter);
        Assert.Equal(FaultyStep, head.Values.Items.Count);

        _ = await graph.InvokeAsync(null, Config("faulted"));
        Assert.Equal(expected, await HistoryAsync(graph, "faulted"));
    }

    private static RunConfig Config(string thread) => new() { ThreadId = thread, RecursionLimit = Steps * 2 };

    private static StateGraph<RestartState> Build(Func<int, Task>? beforeStep = null) =>
        new StateGraph<RestartState>()
            .AddNode("tick", async s =>
            {
                if (beforeStep is not null)
                {
                    await beforeStep(s.Counter);
                }

                return new Update<RestartState>().Set(x => x.Counter, s.Counter + 1).Set(x => x.Items, [$"item {s.Counter}"]);
            })
            .AddEdge(Graph.Start, "tick")
            .AddConditionalEdges("tick", s => s.Counter < Steps ? "tick" : Graph.End, ["tick", Graph.End]);

    private static async Task<List<string>> HistoryAsync(CompiledGraph<RestartState> graph, string thread)
    {
        var history = new List<string>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(Config(thread)))
        {
            history.Add($"{snapshot.Step} {snapshot.Source} [{string.Join(",", snapshot.Next)}] {snapshot.Values.Counter} {string.Join(",", snapshot.Values.Items)}");
        }

        return history;
    }

    /// <summary>Starts redis-server in the foreground (so it can be killed) on the test's port and directory, with every write fsynced to its append-only file.</summary>
    private async Task StartServerAsync()
    {
        _server?.Dispose();
        _server = Process.Start(new ProcessStartInfo(
            "redis-server",
            ["--bind", "127.0.0.1", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _directory,
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        var output = _server.StandardOutput;

        // The server says when it accepts connections (after replaying its append-only file).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await output.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ = output.ReadToEndAsync(CancellationToken.None); // keep draining
                return;
            }
        }

        throw new InvalidOperationException("redis-server exited before it was ready");
    }

    /// <summary>Waits (by pinging, each ping bounded by the connection's own timeout) until the multiplexer has reconnected.</summary>
    private static async Task WaitConnectedAsync(ConnectionMultiplexer connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                _ = await connection.GetDatabase().PingAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException && !timeout.IsCancellationRequested)
            {
                await Task.Yield();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
