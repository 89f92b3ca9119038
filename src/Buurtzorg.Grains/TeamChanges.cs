using System.Collections.Immutable;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains;

/// <summary>
/// A team's change log for tablets (SyncService.Changes): each change to the caseload, the members, or a client's
/// record takes the next position, and the log keeps only the latest position per client on the caseload, one mark
/// per client who left (for <see cref="Kept"/>, at most <see cref="MaxLeft"/>), and the members' latest position.
/// Its size is bounded by the caseload and <see cref="MaxLeft"/>, whatever the team's age; a cursor older than what
/// it still knows is answered with everything (a reset). Immutable, like the rest of the team's state.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-changes")]
public sealed record TeamChanges(
    [property: Id(0)] long Position,
    [property: Id(1)] ImmutableDictionary<string, ClientMark> Clients,
    [property: Id(2)] ImmutableList<LeftMark> Left,
    [property: Id(3)] long MembersPosition,
    [property: Id(4)] long ForgottenThrough)
{
    /// <summary>How long a client who left is remembered: a tablet offline longer than this starts again.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(31);

    /// <summary>At most this many clients who left are remembered, however many leave within <see cref="Kept"/>.</summary>
    public const int MaxLeft = 500;

    public static readonly TeamChanges Empty = new(0, ImmutableDictionary<string, ClientMark>.Empty, [], 0, 0);

    /// <summary>
    /// The log after the team went from <paramref name="before"/> to <paramref name="after"/>: each caseload entry
    /// added or changed (named nurse, backup, flags) and each client gone takes the next position, and the members
    /// one if they changed. Marks of clients who left are forgotten past <see cref="Kept"/> or <see cref="MaxLeft"/>.
    /// </summary>
    public TeamChanges Between(Team? before, Team after, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(after);
        var (position, clients, left, members, forgotten) = (Position, Clients, Left, MembersPosition, ForgottenThrough);
        var old = before?.Caseload.ToDictionary(e => e.ClientId, StringComparer.Ordinal)
            ?? new Dictionary<string, CaseloadEntry>(StringComparer.Ordinal);
        foreach (var entry in after.Caseload)
        {
            var was = old.GetValueOrDefault(entry.ClientId);
            if (was is not null && Same(was, entry)) continue;
            var mark = clients.GetValueOrDefault(entry.ClientId);
            var passed = was is not null && was.NamedNurseId != entry.NamedNurseId;
            clients = clients.SetItem(entry.ClientId, new ClientMark(++position, mark?.RecordVersion ?? 0,
                passed ? now : mark?.PassedAt, passed ? was!.NamedNurseId : mark?.PassedFrom));
        }
        foreach (var gone in old.Keys.Where(id => after.CaseloadOf(id) is null).Order(StringComparer.Ordinal))
        {
            clients = clients.Remove(gone);
            left = left.Add(new LeftMark(gone, ++position, now));
        }
        if (before is null || !SameMembers(before, after)) members = ++position;
        var drop = 0;
        while (drop < left.Count && (left[drop].At < now - Kept || left.Count - drop > MaxLeft)) forgotten = left[drop++].Position;
        if (drop > 0) left = left.RemoveRange(0, drop);
        return position == Position && drop == 0 ? this : new(position, clients, left, members, forgotten);
    }

    /// <summary>The log after a client's record reported <paramref name="version"/>; an older report changes nothing.</summary>
    public TeamChanges Reported(string clientId, long version)
    {
        var mark = Clients.GetValueOrDefault(clientId);
        if (mark is not null && mark.RecordVersion >= version) return this;
        var next = Position + 1;
        var moved = mark is null ? new ClientMark(next, version, null, null) : mark with { Position = next, RecordVersion = version };
        return this with { Position = next, Clients = Clients.SetItem(clientId, moved) };
    }

    /// <summary>Whether the log can say what changed since <paramref name="cursor"/> (else a reset answers).</summary>
    public bool Knows(long? cursor) => cursor is { } c && c >= ForgottenThrough && c <= Position;

    /// <summary>
    /// What changed since <paramref name="cursor"/> (everything when the log cannot say), in order, a page after
    /// <paramref name="after"/>; <paramref name="cards"/> gives each client's card as the team holds it.
    /// </summary>
    public CaseloadChanges Since(long? cursor, ListCursor? after, int limit, Team team, Func<string, ClientCard?> cards)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(cards);
        var reset = !Knows(cursor);
        var from = reset ? -1 : cursor!.Value;
        var present = team.Caseload
            .Select(e => (Entry: e, Mark: Clients.GetValueOrDefault(e.ClientId)))
            .Select(c => new CaseloadChange(c.Mark?.Position ?? 0, c.Entry.ClientId, new CaseloadItem(c.Entry, cards(c.Entry.ClientId)), c.Mark?.RecordVersion ?? 0));
        var gone = Left.Select(l => new CaseloadChange(l.Position, l.ClientId, null, 0));
        var page = Pages.Of(present.Concat(gone).Where(c => c.Position > from), c => c.Cursor, after, limit);
        var members = after is null && (reset || MembersPosition > from) ? team : null;
        return new CaseloadChanges(reset, page.Items, members, page.Next, Position);
    }

    /// <summary>
    /// Whether a write by <paramref name="nurseId"/> at <paramref name="at"/> came after the client had passed from her
    /// to another named nurse (and she is not their backup either): she worked from a plan that had changed.
    /// </summary>
    public bool PassedFromBefore(CaseloadEntry entry, string nurseId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Clients.GetValueOrDefault(entry.ClientId) is { PassedAt: { } passedAt, PassedFrom: { } from }
            && from == nurseId && passedAt <= at && entry.NamedNurseId != nurseId && entry.BackupNurseId != nurseId;
    }

    private static bool Same(CaseloadEntry a, CaseloadEntry b) =>
        a.ReferralId == b.ReferralId && a.NamedNurseId == b.NamedNurseId && a.BackupNurseId == b.BackupNurseId
        && a.AdmittedAt == b.AdmittedAt && a.Needs.SetEquals(b.Needs) && a.ActiveFlags.SetEquals(b.ActiveFlags);

    private static bool SameMembers(Team a, Team b) =>
        ReferenceEquals(a.Members, b.Members)
        || (a.Members.Count == b.Members.Count && a.Members.Zip(b.Members).All(p => p.First.NurseId == p.Second.NurseId
            && p.First.DisplayName == p.Second.DisplayName && p.First.Role == p.Second.Role
            && p.First.HoursPerWeek == p.Second.HoursPerWeek && p.First.Skills.SetEquals(p.Second.Skills)
            && p.First.Leave.SequenceEqual(p.Second.Leave)));
}

/// <summary>
/// A client's latest position in the change log, the record version last reported, and when and from whom the client
/// last passed to another named nurse (to tell an offline write made after that).
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.client-mark")]
public sealed record ClientMark(
    [property: Id(0)] long Position,
    [property: Id(1)] long RecordVersion,
    [property: Id(2)] DateTimeOffset? PassedAt,
    [property: Id(3)] string? PassedFrom);

/// <summary>A client who left the caseload, at a position of the log.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.left-mark")]
public sealed record LeftMark([property: Id(0)] string ClientId, [property: Id(1)] long Position, [property: Id(2)] DateTimeOffset At);
