using System.Net;

namespace Checkpoint;

/// <summary>
/// When and how often a failing node runs again within its step (<see cref="NodeOptions.Retry"/>): up to
/// <see cref="MaxAttempts"/> runs in all, waiting <see cref="InitialInterval"/> × <see cref="BackoffFactor"/>^(attempt − 1)
/// (at most <see cref="MaxInterval"/>, jittered) between them, for the exceptions <see cref="RetryOn"/> accepts. A retry runs
/// the node from its start on the same state; its earlier attempts wrote nothing (a node's writes are its returned
/// update), and its side effects can use <see cref="NodeContext.TaskId"/> as an idempotency key. Interrupts and
/// cancellation are never retried. The last error is saved with the attempt count (see <see cref="PendingTask.Error"/>).
/// </summary>
public sealed record NodeRetryPolicy
{
    /// <summary>Three attempts, 0.5 s then 1 s apart (jittered), for transient errors (<see cref="IsTransient"/>).</summary>
    public static NodeRetryPolicy Default { get; } = new();

    /// <summary>Runs in all, the first included (at least 1).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the second attempt.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Each later wait is the previous one times this (at least 1).</summary>
    public double BackoffFactor { get; init; } = 2.0;

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>When true, each wait is drawn from 75–125% of its value, so replicas failing together do not retry together.</summary>
    public bool Jitter { get; init; } = true;

    /// <summary>Which failures are retried; <see cref="IsTransient"/> by default.</summary>
    public Func<Exception, bool> RetryOn { get; init; } = IsTransient;

    /// <summary>
    /// The default <see cref="RetryOn"/>: true for errors that may pass (I/O, timeouts, HTTP 408, 429 and 5xx, database and
    /// network errors, anything not listed below); false for programming errors that a second run repeats: argument,
    /// cast, null-reference, format, lookup, arithmetic, not-implemented/-supported errors, disposed objects, and
    /// HTTP 4xx answers other than 408 and 429.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        null => false,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        ArgumentException or InvalidCastException or NullReferenceException or FormatException or KeyNotFoundException
            or IndexOutOfRangeException or ArithmeticException or NotImplementedException or NotSupportedException
            or ObjectDisposedException or InvalidUpdateException => false,
        _ => true,
    };

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based), before jitter.</summary>
    public TimeSpan IntervalAfter(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempt);
        var ticks = InitialInterval.Ticks * Math.Pow(BackoffFactor, attempt - 1);
        return ticks >= MaxInterval.Ticks ? MaxInterval : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Throws when a field is out of range, naming it and <paramref name="node"/>.</summary>
    internal void Validate(string node)
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"Node '{node}': NodeRetryPolicy.MaxAttempts must be at least 1, not {MaxAttempts}.");
        }

        if (InitialInterval < TimeSpan.Zero || MaxInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"Node '{node}': NodeRetryPolicy intervals cannot be negative.");
        }

        if (!(BackoffFactor >= 1) || double.IsInfinity(BackoffFactor))
        {
            throw new ArgumentException($"Node '{node}': NodeRetryPolicy.BackoffFactor must be finite and at least 1, not {BackoffFactor}.");
        }

        ArgumentNullException.ThrowIfNull(RetryOn, $"Node '{node}': NodeRetryPolicy.RetryOn");
    }
}
