using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Checkpoint.Hosting.Tests;

/// <summary>A logger factory that keeps every entry and lets a test react to one as it is logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    /// <summary>Called on every entry, on the logging thread.</summary>
    public Action<EventId>? OnLog { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
            owner.OnLog?.Invoke(eventId);
        }
    }
}
