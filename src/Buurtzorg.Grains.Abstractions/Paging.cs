namespace Buurtzorg.Grains;

/// <summary>
/// Where a page of a list ends: the sort key of the last item given (<see cref="Key"/>, then <see cref="Id"/> in
/// ordinal order). The next page starts after it, whatever was added or removed meanwhile, so an item that stays on the
/// list is given exactly once and in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.list-cursor")]
public sealed record ListCursor([property: Id(0)] long Key, [property: Id(1)] string Id)
{
    /// <summary>A key in time order: the instant's UTC ticks.</summary>
    public static ListCursor At(DateTimeOffset at, string id) => new(at.UtcTicks, id);

    /// <summary>Lists are sorted by key, then id.</summary>
    public static readonly IComparer<ListCursor> Order = Comparer<ListCursor>.Create((a, b) =>
        a.Key != b.Key ? a.Key.CompareTo(b.Key) : string.CompareOrdinal(a.Id, b.Id));
}

/// <summary>A page of a list and the cursor of its last item when more items follow it; the list's length.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.page`1")]
public sealed record Page<T>([property: Id(0)] IReadOnlyList<T> Items, [property: Id(1)] ListCursor? Next, [property: Id(2)] int Total);

public static class Pages
{
    /// <summary>The items after <paramref name="after"/> (all when null), sorted by their cursor, at most <paramref name="limit"/>.</summary>
    public static Page<T> Of<T>(IEnumerable<T> items, Func<T, ListCursor> cursor, ListCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var all = items.Select(i => (Item: i, Cursor: cursor(i))).ToList();
        var rest = all.Where(i => after is null || ListCursor.Order.Compare(i.Cursor, after) > 0).OrderBy(i => i.Cursor, ListCursor.Order).ToList();
        var page = rest.Take(limit).ToList();
        return new(page.ConvertAll(i => i.Item), rest.Count > limit ? page[^1].Cursor : null, all.Count);
    }
}
