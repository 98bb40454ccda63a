using System.Buffers;
using System.Numerics.Tensors;

namespace Checkpoint.Memory;

/// <summary>Search: the best items by BM25 and by cosine under a namespace prefix.</summary>
public sealed partial class MemorySearchIndex
{
    // A prefix whose items are fewer than 1/8 of the index is searched slot by slot, not through the postings.
    private const int SmallScopeFactor = 8;

    // From this many items in scope, vectors are shortlisted through their int8 copies (4x fewer bytes
    // to read) and the shortlist of ShortlistFactor x limit + ShortlistExtra re-scored with floats.
    private const int QuantizedScanMinimum = 4096;
    private const int ShortlistFactor = 4;
    private const int ShortlistExtra = 32;

    /// <summary>
    /// The best <paramref name="limit"/> items under <paramref name="namespacePrefix"/> (a
    /// <see cref="MemoryNamespace.StorageKey"/>; null or empty: all) by keyword score for
    /// <paramref name="queryText"/> (null: no keyword list) and by cosine with <paramref name="queryVector"/>
    /// (null: no vector list). Each hit carries both signals where the item has them. Equal scores are
    /// ordered by namespace then key.
    /// </summary>
    public IndexResult Search(string? namespacePrefix, string? queryText, ReadOnlyMemory<float>? queryVector, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _gate.EnterReadLock();
        var scores = ArrayPool<double>.Shared.Rent(Math.Max(1, _slotCount));
        var slots = ArrayPool<int>.Shared.Rent(Math.Max(1, _slotCount));
        try
        {
            var scope = Scope(namespacePrefix);
            var inScope = scope.CollectSlots(this, slots);
            var terms = queryText is null ? [] : _keywords.QueryTerms(queryText, _liveCount);
            var useVector = queryVector is { } q && q.Length == _dimensions && _dimensions > 0;
            if (terms.Count > 0)
            {
                // Only the slots in scope are read back: a small scope clears just those.
                if (scope.IsSmall)
                {
                    foreach (var slot in slots.AsSpan(0, inScope))
                    {
                        scores[slot] = 0;
                    }
                }
                else
                {
                    Array.Clear(scores, 0, _slotCount);
                }

                ScoreKeywords(scope, slots.AsSpan(0, inScope), terms, scores);
            }

            var byKeyword = new TopK(terms.Count > 0 ? limit : 0, TieBetter);
            var query = useVector ? queryVector!.Value.Span : default;
            var queryNorm = useVector ? TensorPrimitives.Norm(query) : 0;
            var shortlist = useVector && scope.Items >= QuantizedScanMinimum;
            var byVector = new TopK(useVector ? (shortlist ? (limit * ShortlistFactor) + ShortlistExtra : limit) : 0, TieBetter);
            var quantizedQuery = shortlist ? new sbyte[_dimensions] : [];
            var queryScale = shortlist ? Int8Vectors.Quantize(query, quantizedQuery) : 0;
            foreach (var slot in slots.AsSpan(0, inScope))
            {
                if (terms.Count > 0 && scores[slot] > 0)
                {
                    byKeyword.Offer(slot, scores[slot]);
                }

                if (useVector && _hasVector[slot])
                {
                    byVector.Offer(slot, shortlist ? ApproximateCosine(slot, quantizedQuery, queryScale, queryNorm) : Cosine(slot, query, queryNorm));
                }
            }

            if (shortlist)
            {
                var exact = new TopK(limit, TieBetter);
                foreach (var (slot, _) in byVector.Drain())
                {
                    exact.Offer(slot, Cosine(slot, query, queryNorm));
                }

                byVector = exact;
            }

            var keywordHits = new List<IndexHit>();
            foreach (var (slot, score) in byKeyword.Drain())
            {
                keywordHits.Add(new IndexHit(_ids[slot], score, useVector && _hasVector[slot] ? Cosine(slot, query, queryNorm) : null));
            }

            var vectorHits = new List<IndexHit>();
            foreach (var (slot, similarity) in byVector.Drain())
            {
                vectorHits.Add(new IndexHit(_ids[slot], terms.Count > 0 && scores[slot] > 0 ? scores[slot] : null, similarity));
            }

            return new IndexResult(keywordHits, vectorHits);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(slots);
            ArrayPool<double>.Shared.Return(scores);
            _gate.ExitReadLock();
        }
    }

    private void ScoreKeywords(SearchScope scope, ReadOnlySpan<int> inScope, List<(int Term, double Idf)> terms, double[] scores)
    {
        var averageLength = Math.Max(1e-9, (double)_keywords.TotalLength / Math.Max(1, _liveCount));
        if (scope.IsSmall)
        {
            // Slot by slot, query term by query term: the same order of additions as over the postings.
            foreach (var slot in inScope)
            {
                foreach (var (term, idf) in terms)
                {
                    var frequency = _keywords.FrequencyIn(slot, term);
                    if (frequency > 0)
                    {
                        scores[slot] += Bm25Term(idf, frequency, LengthNorm(_keywords.LengthOf(slot), averageLength));
                    }
                }
            }

            return;
        }

        var norms = LengthNorms(averageLength);

        foreach (var (term, idf) in terms)
        {
            var postings = _keywords.PostingsOf(term);
            var slots = postings.Slots;
            var frequencies = postings.Frequencies;
            for (var i = 0; i < postings.Count; i++)
            {
                var slot = slots[i];
                if (_live[slot] && scope.Contains(_namespaceOf[slot]))
                {
                    scores[slot] += Bm25Term(idf, frequencies[i], norms[slot]);
                }
            }
        }
    }

    // One term's BM25 contribution and its length normalization, written as Bm25.Score writes them so both give the same doubles.
    private static double Bm25Term(double idf, double frequency, double lengthNorm) => idf * frequency * (Bm25.K1 + 1) / (frequency + lengthNorm);

    private static double LengthNorm(int length, double averageLength) => Bm25.K1 * (1 - Bm25.B + (Bm25.B * length / averageLength));

    /// <summary>Every slot's length normalization, kept until the index changes (searches outnumber writes).</summary>
    private double[] LengthNorms(double averageLength)
    {
        var cached = _lengthNorms;
        if (cached is not null && cached.Version == _version)
        {
            return cached.Norms;
        }

        var norms = new double[_slotCount];
        for (var slot = 0; slot < _slotCount; slot++)
        {
            norms[slot] = LengthNorm(_keywords.LengthOf(slot), averageLength);
        }

        // Searches share the reader lock: the last one to finish publishes; all computed the same array.
        _lengthNorms = new CachedNorms(_version, norms);
        return norms;
    }

    // Same formula as VectorMath.Cosine, with each item's norm kept from insertion.
    private double Cosine(int slot, ReadOnlySpan<float> query, float queryNorm)
    {
        var norms = _norms[slot] * queryNorm;
        return norms == 0 ? 0 : Math.Clamp(TensorPrimitives.Dot(_vectors.AsSpan(slot * _dimensions, _dimensions), query) / norms, -1, 1);
    }

    // Cosine from the int8 copies: scales × integer dot / norms (the norms are the float vectors').
    private double ApproximateCosine(int slot, sbyte[] query, float queryScale, float queryNorm)
    {
        var norms = _norms[slot] * queryNorm;
        var dot = Int8Vectors.Dot(_quantized.AsSpan(slot * _dimensions, _dimensions), query);
        return norms == 0 ? 0 : _scales[slot] * queryScale * dot / norms;
    }

    // Smaller (namespace, key) wins a tie, as in HybridRanker.ByIdentity.
    private bool TieBetter(int slot, int other)
    {
        var byNamespace = string.CompareOrdinal(_namespaceKeys[_namespaceOf[slot]], _namespaceKeys[_namespaceOf[other]]);
        return (byNamespace != 0 ? byNamespace : string.CompareOrdinal(_keys[slot], _keys[other])) < 0;
    }

    private SearchScope Scope(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return new SearchScope(null, null, false, _liveCount);
        }

        var inScope = new bool[_namespaceKeys.Count];
        var namespaces = new List<int>();
        var items = 0;
        for (var ns = 0; ns < _namespaceKeys.Count; ns++)
        {
            if (_namespaceLive[ns] > 0 && _namespaceKeys[ns].StartsWith(prefix, StringComparison.Ordinal))
            {
                inScope[ns] = true;
                namespaces.Add(ns);
                items += _namespaceLive[ns];
            }
        }

        return new SearchScope(inScope, namespaces, (long)items * SmallScopeFactor < _liveCount, items);
    }

    private sealed record CachedNorms(long Version, double[] Norms);

    /// <summary>The namespaces a search covers: all (null mask), or those whose key starts with the prefix.</summary>
    private readonly record struct SearchScope(bool[]? InScope, List<int>? Namespaces, bool IsSmall, int Items)
    {
        public bool Contains(int ns) => InScope is null || InScope[ns];

        /// <summary>Writes the live slots in scope to <paramref name="slots"/> and returns how many: from the namespaces' slot lists when small, else a pass over all slots.</summary>
        public int CollectSlots(MemorySearchIndex index, int[] slots)
        {
            var count = 0;
            if (IsSmall)
            {
                foreach (var ns in Namespaces!)
                {
                    foreach (var slot in index._namespaceSlots[ns])
                    {
                        if (index._live[slot])
                        {
                            slots[count++] = slot;
                        }
                    }
                }

                return count;
            }

            for (var slot = 0; slot < index._slotCount; slot++)
            {
                if (index._live[slot] && Contains(index._namespaceOf[slot]))
                {
                    slots[count++] = slot;
                }
            }

            return count;
        }
    }
}
