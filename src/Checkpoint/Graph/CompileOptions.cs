using Microsoft.Extensions.Logging;

namespace Checkpoint;

/// <summary>Settings of a compiled graph.</summary>
public sealed record CompileOptions
{
    /// <summary>The run stops before these nodes (static interrupts); resume with <c>InvokeAsync(null, config)</c>.</summary>
    public IReadOnlyCollection<string> InterruptBefore { get; init; } = [];

    /// <summary>The run stops after these nodes (static interrupts).</summary>
    public IReadOnlyCollection<string> InterruptAfter { get; init; } = [];

    /// <summary>The clock for checkpoint timestamps and ids.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the run loop logs steps, retries and failures.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Services nodes reach through <see cref="NodeContext.GetService{T}"/> (a memory store, clients, ...);
    /// any <see cref="IServiceProvider"/>, such as an application's DI container. Null: nodes get no services.
    /// </summary>
    public IServiceProvider? Services { get; init; }
}
