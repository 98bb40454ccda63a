using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The vectors of embedded texts, kept in <c>.memory/embeddings.bin</c> under the root so that
/// re-opening a store (or another process) does not embed unchanged text again. Keyed by SHA-256 of
/// the model id and the text, so an edited bullet misses and is embedded again, and another model's
/// vectors are never used. Append-only: each entry is <c>key (32 bytes), dimensions (int32), floats,
/// CRC-32</c>; a torn entry at the end (a crash while appending) is cut off by the next writer.
/// Appends happen under the root lock. Entries of texts that no longer exist stay (see docs).
/// </summary>
internal sealed class EmbeddingCache(string path, string modelId)
{
    private const int KeySize = 32;
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private long _validLength;

    /// <summary>The cache key of an embedded text.</summary>
    public string KeyOf(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(modelId + "\n" + text)));

    /// <summary>The cached vector of a key; reads what other processes appended when it is not known yet.</summary>
    public float[]? Find(string key)
    {
        if (_vectors.TryGetValue(key, out var vector))
        {
            return vector;
        }

        LoadNew();
        return _vectors.GetValueOrDefault(key);
    }

    /// <summary>Appends vectors to the file (the caller holds the root lock) and remembers them.</summary>
    public void Append(IReadOnlyList<(string Key, float[] Vector)> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        LoadNew();
        var buffer = new MemoryStream();
        Span<byte> size = stackalloc byte[4];
        foreach (var (key, vector) in entries)
        {
            _vectors[key] = vector;
            var start = (int)buffer.Length;
            buffer.Write(Convert.FromBase64String(key));
            BinaryPrimitives.WriteInt32LittleEndian(size, vector.Length);
            buffer.Write(size);
            buffer.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            var crc = Crc32.HashToUInt32(buffer.GetBuffer().AsSpan(start, (int)buffer.Length - start));
            BinaryPrimitives.WriteUInt32LittleEndian(size, crc);
            buffer.Write(size);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(_validLength); // drops a torn tail left by a crash
        stream.Position = _validLength;
        stream.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        stream.Flush(flushToDisk: true);
        _validLength += buffer.Length;
    }

    /// <summary>
    /// Rewrites the file without the given keys' vectors (the caller holds the root lock), replacing it by
    /// rename so the erased vectors leave the folder. Another process notices the shorter file and reads it again.
    /// </summary>
    public void Remove(IReadOnlyCollection<string> keys)
    {
        LoadNew();
        if (!keys.Any(_vectors.ContainsKey))
        {
            return;
        }

        foreach (var key in keys)
        {
            _ = _vectors.Remove(key);
        }

        var entries = _vectors.Select(pair => (pair.Key, pair.Value)).ToList();
        _vectors.Clear();
        AtomicFile.Commit(AtomicFile.WriteTemp(path, []), path);
        _validLength = 0;
        Append(entries);
    }

    // Reads complete entries after the known end; stops at a torn or partly written one.
    private void LoadNew()
    {
        byte[] tail;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _validLength)
            {
                _validLength = 0; // replaced or cut by someone: read it all again
            }

            if (stream.Length == _validLength)
            {
                return;
            }

            stream.Position = _validLength;
            tail = new byte[stream.Length - _validLength];
            stream.ReadExactly(tail);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or EndOfStreamException)
        {
            return;
        }

        var offset = 0;
        while (tail.Length - offset >= KeySize + 8)
        {
            var dimensions = BinaryPrimitives.ReadInt32LittleEndian(tail.AsSpan(offset + KeySize));
            var length = KeySize + 4 + ((long)dimensions * 4) + 4;
            if (dimensions <= 0 || tail.Length - offset < length)
            {
                break;
            }

            var entry = tail.AsSpan(offset, (int)length);
            if (Crc32.HashToUInt32(entry[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(entry[^4..]))
            {
                break;
            }

            _vectors[Convert.ToBase64String(entry[..KeySize])] = MemoryMarshal.Cast<byte, float>(entry[(KeySize + 4)..^4]).ToArray();
            offset += (int)length;
        }

        _validLength += offset;
    }
}
