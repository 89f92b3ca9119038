using System.Collections.Immutable;

namespace Buurtzorg.Grains;

/// <summary>
/// The request ids a grain has applied in the last <see cref="Window"/> (by the care clock), so a retried write is
/// recognised and answered as the first time. Bounded by time, and by <see cref="Capacity"/> as a second bound: a
/// retry comes within minutes or hours, never a week later, and the state must not grow with the grain's age.
/// <para>
/// Immutable as the grain state's other members (a failed write restores the state before it). Lookups are O(1): an
/// instance builds a hash set of its ids once and hands it on to the log <see cref="Add"/> makes from it, so a chain
/// of writes shares one set; an instance left behind (a write that failed) builds its own again if asked.
/// </para>
/// <para>
/// After the window a retry is not recognised here; what then protects each write is the grain's own rules (the
/// team's: a referral's id derives from its request id, an admitted or declined referral answers the same or is
/// refused, a discharge of a client no longer on the caseload is refused). See docs/SAFETY.md, H-02 and H-03.
/// </para>
/// </summary>
// A record, as before the window: Orleans lays a record's fields out after an (empty) base section, so state stored by
// the old record reads back into this one.
[GenerateSerializer, Immutable, Alias("buurtzorg.request-log")]
public sealed record RequestLog
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public const int Capacity = 5000;

    public static readonly RequestLog Empty = new([], []);

    // Ids and when they were applied (UTC, whole seconds since 1970), oldest first: two flat lists, small to store.
    // Null only in state stored before the window, which has neither.
    [Id(1)] private readonly ImmutableList<string>? _stampedIds;
    [Id(2)] private readonly ImmutableList<long>? _stampedAt;

    // The format before the window: ids in order with no time. Still read, so state stored then loads; they are
    // stamped with the time of the first write after loading, and so kept one more window.
    [Id(0)] private readonly ImmutableList<string>? _unstamped;

    [NonSerialized] private HashSet<string>? _index;

    private RequestLog(ImmutableList<string> ids, ImmutableList<long> at, ImmutableList<string>? unstamped = null, HashSet<string>? index = null)
    {
        (_stampedIds, _stampedAt, _unstamped, _index) = (ids, at, unstamped, index);
    }

    private ImmutableList<string> Ids => _stampedIds ?? [];

    private ImmutableList<long> At => _stampedAt ?? [];

    /// <summary>A log in the format before the window (ids only), as state stored then loads.</summary>
    public static RequestLog FromUnstamped(IEnumerable<string> ids) => new([], [], [.. ids]);

    public int Count => Ids.Count + (_unstamped?.Count ?? 0);

    /// <summary>The oldest id kept and when it was applied; null when empty or only unstamped ids are kept.</summary>
    public DateTimeOffset? OldestAt => At.IsEmpty ? null : DateTimeOffset.FromUnixTimeSeconds(At[0]);

    public bool Contains(string requestId) => Index().Contains(requestId);

    /// <summary>The log with <paramref name="requestId"/> added at <paramref name="now"/>, less what has aged out.</summary>
    public RequestLog Add(string requestId, DateTimeOffset now)
    {
        if (Contains(requestId)) return this;
        var stamp = now.ToUnixTimeSeconds();
        var (ids, at) = (Ids, At);
        if (_unstamped is { IsEmpty: false } old)
        {
            ids = ids.AddRange(old);
            at = at.AddRange(Enumerable.Repeat(stamp, old.Count));
        }
        (ids, at) = (ids.Add(requestId), at.Add(stamp));

        var index = Index();
        _index = null; // handed on: this instance builds its own again if it is ever asked once more
        index.Add(requestId);
        var expired = stamp - (long)Window.TotalSeconds;
        var drop = 0;
        while (drop < at.Count && (at[drop] < expired || at.Count - drop > Capacity)) index.Remove(ids[drop++]);
        if (drop > 0) (ids, at) = (ids.RemoveRange(0, drop), at.RemoveRange(0, drop));
        return new RequestLog(ids, at, null, index);
    }

    private HashSet<string> Index()
    {
        if (_index is { } index) return index;
        index = new HashSet<string>(Ids, StringComparer.Ordinal);
        if (_unstamped is not null) index.UnionWith(_unstamped);
        return _index = index;
    }
}
