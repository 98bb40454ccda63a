using Checkpoint.Serialization;

namespace Checkpoint;

/// <summary>What a running node knows about its run, and how it pauses for a human.</summary>
public sealed class NodeContext
{
    private readonly IReadOnlyList<byte[]> _resumeValues;
    private readonly Guid _checkpointId;
    private readonly CheckpointSerializer _serializer;
    private readonly IServiceProvider? _services;
    private readonly Action<NodeContext, object?>? _emit;
    private readonly Func<object?>? _argument;
    private int _interruptIndex;

    // resumeValues: the MessagePack bytes of the resume values given so far, by interrupt index.
    internal NodeContext(
        string threadId, Guid checkpointId, string node, int step, string taskId, IReadOnlyList<byte[]> resumeValues,
        CheckpointSerializer serializer, CancellationToken cancellationToken, IServiceProvider? services = null, int attempt = 1,
        Action<NodeContext, object?>? emit = null, Func<object?>? argument = null)
    {
        _emit = emit;
        _argument = argument;
        Attempt = attempt;
        _services = services;
        _checkpointId = checkpointId;
        _serializer = serializer;
        ThreadId = threadId;
        Node = node;
        Step = step;
        TaskId = taskId;
        _resumeValues = resumeValues;
        CancellationToken = cancellationToken;
    }

    /// <summary>The checkpoint namespace of the run ("" for a root graph): a subgraph's runs go below it.</summary>
    internal string Namespace { get; init; } = "";

    /// <summary>The run's saver (a subgraph's runs use it too).</summary>
    internal Storage.CheckpointSaver? Saver { get; init; }

    /// <summary>The run's subject (a subgraph's checkpoints carry it too).</summary>
    internal string? SubjectId { get; init; }

    /// <summary>The MessagePack bytes of the resume values given to this task so far, by interrupt index.</summary>
    internal IReadOnlyList<byte[]> ResumeValues => _resumeValues;

    /// <summary>The thread the run belongs to.</summary>
    public string ThreadId { get; }

    /// <summary>The node being run.</summary>
    public string Node { get; }

    /// <summary>The superstep being run.</summary>
    public int Step { get; }

    /// <summary>
    /// Deterministic id of this task (same checkpoint, node and step give the same id): use it as
    /// an idempotency key for side effects, since a task is re-run when its writes were not saved.
    /// </summary>
    public string TaskId { get; }

    /// <summary>Cancelled when the run is cancelled, or when this attempt passes the node's <see cref="NodeOptions.Timeout"/>.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Which run of the task this is within its step: 1, then 2, 3… when <see cref="NodeOptions.Retry"/> runs it again.</summary>
    public int Attempt { get; }

    /// <summary>The context of another attempt of the same task (its interrupts counted afresh).</summary>
    internal NodeContext ForAttempt(int attempt, CancellationToken cancellationToken) =>
        new(ThreadId, _checkpointId, Node, Step, TaskId, _resumeValues, _serializer, cancellationToken, _services, attempt, _emit, _argument)
        {
            Namespace = Namespace,
            Saver = Saver,
            SubjectId = SubjectId,
        };

    /// <summary>The argument of the <see cref="Send"/> this task runs, read afresh for each attempt; null for a task without one.</summary>
    internal object? ReadArgument() => _argument?.Invoke();

    /// <summary>
    /// Sends <paramref name="payload"/> (progress of a long node, a model's token chunk, anything) to whoever streams the
    /// run: <c>StreamAsync</c> yields it at once as a <see cref="NodeEmitted{TState}"/>, in the order sent. Not saved, and
    /// dropped when nobody streams (<c>InvokeAsync</c>, <c>RunAsync</c>, a host running steps one by one).
    /// </summary>
    public void Emit(object? payload) => _emit?.Invoke(this, payload);

    /// <summary>
    /// The service of type <typeparamref name="T"/> from <see cref="CompileOptions.Services"/>, or null
    /// when the graph was compiled without services or they hold none of that type.
    /// </summary>
    public T? GetService<T>()
        where T : class =>
        _services?.GetService(typeof(T)) as T;

    /// <summary>
    /// Pauses the run for outside input. The first time, the run stops with <paramref name="value"/>
    /// shown as a pending interrupt; when it is resumed with <c>Command.Resume(x)</c>, the node runs
    /// again from its start and this call returns x (converted to <typeparamref name="TResume"/>).
    /// When x cannot be read as <typeparamref name="TResume"/>, the run fails with an
    /// <see cref="IncompatibleCheckpointException"/> naming the node and both types, and the
    /// interrupt stays pending, so <c>Command.Resume</c> with a value of the right type continues it.
    /// </summary>
    public TResume Interrupt<TResume>(object? value)
    {
        var index = _interruptIndex++;
        if (index < _resumeValues.Count)
        {
            try
            {
                return _serializer.FromPayload<TResume>(_resumeValues[index], new BlobLocation(ThreadId, _checkpointId, "__resume__"));
            }
            catch (IncompatibleCheckpointException ex)
            {
                // A resume value of another type: the run saves this interrupt again in place of the
                // bad value (same write key) and reports the mismatch, so a later Resume can answer it.
                throw new NodeInterruptSignal(index, value)
                {
                    Rejected = new ResumeRejection(typeof(TResume), DescribeResume(_resumeValues[index]), ex),
                };
            }
        }

        throw new NodeInterruptSignal(index, value);
    }

    private static string DescribeResume(byte[] payload) => PayloadErrors.Describe(payload);
}
