namespace Checkpoint.Memory;

/// <summary>
/// What a backend's <c>ReadChangesCoreAsync</c> returns: the feed's events after a position, in order, and how far
/// the read got.
/// </summary>
/// <param name="Events">
/// The events with ids above the position, ascending: <see cref="MemoryEventKind.Changed"/> events of items under the
/// prefix and every <see cref="MemoryEventKind.Erased"/> event; at most the limit asked.
/// </param>
/// <param name="Through">
/// The id up to which every matching event is in <paramref name="Events"/>: the feed's latest id when the page is not
/// full, else the last event's id. The next read starts after it.
/// </param>
public sealed record MemoryChangePage(IReadOnlyList<MemoryEvent> Events, long Through);
