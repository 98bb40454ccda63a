#if !NET9_0_OR_GREATER
namespace System.Collections.Frozen;

/// <summary>net8.0 stand-in for .NET 9's <c>FrozenSet.Create</c>.</summary>
internal static class FrozenSetPolyfills
{
    extension(FrozenSet)
    {
        /// <summary>A frozen set of <paramref name="source"/> compared by <paramref name="equalityComparer"/>.</summary>
        public static FrozenSet<T> Create<T>(IEqualityComparer<T>? equalityComparer, params ReadOnlySpan<T> source) =>
            source.ToArray().ToFrozenSet(equalityComparer);

        /// <summary>A frozen set of <paramref name="source"/> with the default comparer.</summary>
        public static FrozenSet<T> Create<T>(params ReadOnlySpan<T> source) => source.ToArray().ToFrozenSet();
    }
}
#endif
