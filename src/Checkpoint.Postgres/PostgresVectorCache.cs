namespace Checkpoint.Postgres;

/// <summary>
/// The vectors a store instance has read from a <c>real[]</c> column, by row id and item version, so a
/// vector search reads only the (id, version) pairs under its filter and fetches the vectors it lacks
/// or holds at an older version. Rows are never trusted by id alone: a put bumps the version, and a
/// deleted key that comes back gets a new id. Correct across stores and processes without a shared
/// change counter (which would make every writer update one row). Ids deleted by other stores stay
/// until this store deletes them or is disposed (a bounded leak: one vector per deleted item).
/// </summary>
internal sealed class PostgresVectorCache
{
    private readonly Dictionary<long, (long Version, float[] Vector)> _vectors = [];
    private readonly Lock _gate = new();

    /// <summary>The ids of <paramref name="manifest"/> whose vector is absent or at another version.</summary>
    public long[] Missing(IReadOnlyList<(long Id, long Version)> manifest)
    {
        lock (_gate)
        {
            return manifest.Where(entry => !_vectors.TryGetValue(entry.Id, out var known) || known.Version != entry.Version)
                .Select(entry => entry.Id).ToArray();
        }
    }

    /// <summary>Keeps fetched vectors (the version read with each).</summary>
    public void Store(IEnumerable<(long Id, long Version, float[] Vector)> rows)
    {
        lock (_gate)
        {
            foreach (var (id, version, vector) in rows)
            {
                _vectors[id] = (version, vector);
            }
        }
    }

    /// <summary>The vector of <paramref name="id"/> when it is held at <paramref name="version"/> or newer (a put racing the search).</summary>
    public float[]? Get(long id, long version)
    {
        lock (_gate)
        {
            return _vectors.TryGetValue(id, out var known) && known.Version >= version ? known.Vector : null;
        }
    }

    /// <summary>Forgets a row this store deleted.</summary>
    public void Remove(long id)
    {
        lock (_gate)
        {
            _ = _vectors.Remove(id);
        }
    }
}
