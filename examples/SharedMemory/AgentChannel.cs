using System.Diagnostics;
using System.Threading.Channels;

namespace SharedMemory;

/// <summary>The demo's end of one agent process: commands go to its stdin; its stdout lines are echoed with its name.</summary>
public sealed class AgentChannel : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly TextWriter _output;
    private readonly Task _reading;
    private readonly Task<string> _errors;

    private AgentChannel(string name, Process process, TextWriter output)
    {
        Name = name;
        _process = process;
        _output = output;
        _errors = process.StandardError.ReadToEndAsync();
        _reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                await _lines.Writer.WriteAsync(line);
            }

            _lines.Writer.Complete();
        });
    }

    /// <summary>The agent's name.</summary>
    public string Name { get; }

    /// <summary>Starts agent <paramref name="name"/> on <paramref name="database"/> (this program, in agent mode) and waits until it is ready.</summary>
    public static async Task<AgentChannel> StartAsync(string name, string database, TextWriter output)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host, [typeof(AgentChannel).Assembly.Location, AgentProcess.Command, name, database])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var channel = new AgentChannel(name, Process.Start(start) ?? throw new InvalidOperationException($"agent {name} did not start"), output);
        _ = await channel.WaitForAsync(line => line == "ready");
        return channel;
    }

    /// <summary>Sends a command; returns the lines the agent printed until its "ok".</summary>
    public async Task<List<string>> RunAsync(string command)
    {
        _output.WriteLine($"[{Name}] > {command}");
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var lines = new List<string>();
        _ = await WaitForAsync(line =>
        {
            lines.Add(line);
            return line == "ok";
        });
        return lines[..^1];
    }

    /// <summary>Reads (and echoes) the agent's lines until one matches; fails after a minute or when the agent exits.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (line is not ("ok" or "ready"))
                {
                    _output.WriteLine($"[{Name}] {line}");
                }

                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"agent {Name} did not answer: {await ErrorsAsync()}", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.StandardInput.WriteLineAsync("quit");
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        await _reading;
        _process.Dispose();
    }

    private async Task<string> ErrorsAsync() => _process.HasExited ? await _errors : "(still running)";
}
