using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// The record as a team app reads it: the present and the latest <see cref="LatestShown"/> visits and notes of the
/// episode, newest first, each active problem with its first and latest rating. Its size does not grow with the history, so it is what travels between grains and silos.
/// </summary>
public sealed record RecordView(
    string ClientId,
    long Version,
    NhsNumber? NhsNumber,
    Demographics? Demographics,
    ImmutableList<ClientReferral> Referrals,
    bool DetailsDifferFromReferral,
    Episode? OpenEpisode,
    ImmutableList<Episode> PastEpisodes,
    ImmutableList<CarePlanProblem> ActiveProblems,
    ImmutableList<Goal> Goals,
    ImmutableList<Intervention> Interventions,
    ImmutableList<NetworkMember> Network,
    DateOnly? NextReviewOn,
    DateOnly? ReablementEndsOn,
    ImmutableList<Visit> LatestVisits,
    ImmutableList<Note> LatestNotes,
    int VisitsInEpisode,
    int NotesInEpisode,
    ImmutableDictionary<string, int> VisitsByNurse,
    double? DirectCareShare)
{
    /// <summary>
    /// Visits and notes the record shows; the history pages through the rest. Ten is three weeks of a thrice-weekly
    /// client; the day's sheet (GetMyDay) carries the latest note too. With 30 the view crossing silos was 13–19 KB.
    /// </summary>
    public const int LatestShown = 10;

    public static RecordView Of(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.ClientId, record.Version, record.NhsNumber, record.Demographics, record.Referrals,
            record.DetailsDifferFromReferral, record.OpenEpisode, record.PastEpisodes, [.. record.ActiveProblems.Select(FirstAndLatest)], record.Goals,
            record.Interventions, record.Network, record.NextReviewOn, record.ReablementEndsOn,
            NewestFirst(record.EpisodeVisits), NewestFirst(record.EpisodeNotes), record.Tally.Visits, record.Tally.Notes,
            record.VisitsByNurse(), record.DirectCareShare());
    }

    /// <summary>A problem as the record shows it: its first and latest ratings (and so its change); the history holds every one.</summary>
    private static CarePlanProblem FirstAndLatest(CarePlanProblem problem) =>
        problem.Ratings.Count <= 2 ? problem : problem with { Ratings = [problem.Ratings[0], problem.Ratings[^1]] };

    private static ImmutableList<T> NewestFirst<T>(ImmutableList<T> items) =>
        [.. items.Skip(Math.Max(0, items.Count - LatestShown)).Reverse()];

    public override string ToString() => $"RecordView {ClientId} (version {Version})";
}

/// <summary>
/// What a write answers: the entry as the record holds it (for a retry, as first stored), the record's version after
/// it, and the view of what the entry was about, for the app to show.
/// </summary>
public sealed record RecordWrite(
    RecordEntry Entry,
    long Version,
    bool Repeated,
    CarePlanProblem? Problem = null,
    Goal? Goal = null,
    Intervention? Intervention = null,
    Visit? Visit = null,
    Note? Note = null,
    NetworkMember? Member = null,
    DateOnly? ReablementEndsOn = null,
    Demographics? Details = null)
{
    /// <summary>The answer to <paramref name="entry"/> from <paramref name="record"/> as it stands after it.</summary>
    public static RecordWrite Of(CareRecord record, RecordEntry entry, bool repeated)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(entry);
        var episode = record.OpenEpisode?.EpisodeId ?? "";
        return new(entry, record.Version, repeated,
            Problem: entry switch
            {
                ProblemAdded e => record.Problems.Find(p => p.ProblemId == e.ProblemId),
                RatingRecorded e => record.Problems.Find(p => p.ProblemId == e.ProblemId),
                _ => null,
            },
            Goal: entry is GoalAgreed g ? record.Goals.Find(x => x.GoalId == g.GoalId) : null,
            Intervention: entry is InterventionAdded i ? record.Interventions.Find(x => x.InterventionId == i.InterventionId) : null,
            Visit: entry is VisitRecorded v
                ? record.Visits.FindLast(x => x.VisitId == v.VisitId)
                    ?? new(v.VisitId, episode, v.NurseId, v.Start, v.DurationMinutes, v.DirectCareMinutes, v.InterventionsDone, v.Note, v.OutOfHours, v.EntryId)
                : null,
            Note: entry is NoteAdded n
                ? record.Notes.FindLast(x => x.NoteId == n.NoteId) ?? new(n.NoteId, episode, n.Text, n.At, n.RecordedBy, n.EntryId)
                : null,
            Member: entry is NetworkMemberAdded m
                ? record.Network.Find(x => x.MemberId == m.MemberId)
                    ?? new(m.MemberId, m.Role, m.Name, m.Contact, m.ContactPreference, m.Note, m.EntryId)
                : null,
            ReablementEndsOn: record.ReablementEndsOn,
            Details: record.Demographics);
    }

    public override string ToString() => $"RecordWrite {Entry} (version {Version})";
}

/// <summary>An entry of the history with its number in the record and the correction that replaced or struck it, if any.</summary>
public sealed record HistoryItem(long Seq, RecordEntry Entry, string? CorrectedByEntryId)
{
    public override string ToString() => $"HistoryItem {Seq} {Entry}";
}

/// <summary>A page of a record's history, oldest first; <see cref="NextAfterSeq"/> is where the next page starts after.</summary>
public sealed record HistoryPage(ImmutableList<HistoryItem> Entries, long? NextAfterSeq)
{
    /// <summary>
    /// Marks the entries of a page as <see cref="CareRecord.CorrectedBy"/> does, from the record's corrections (all of
    /// them, in the order recorded: they are few, and any later one may mark an entry of this page).
    /// </summary>
    public static HistoryPage Of(IEnumerable<(long Seq, RecordEntry Entry)> page, IEnumerable<Correction> corrections, long? nextAfterSeq)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(corrections);
        var latest = new Dictionary<string, Correction>(StringComparer.Ordinal);
        foreach (var correction in corrections) latest[correction.CorrectsEntryId] = correction;
        return new([.. page.Select(p =>
        {
            var corrected = p.Entry is Correction c ? c.CorrectsEntryId : p.Entry.EntryId;
            var by = latest.TryGetValue(corrected, out var l) && l.EntryId != p.Entry.EntryId ? l.EntryId : null;
            return new HistoryItem(p.Seq, p.Entry, by);
        })], nextAfterSeq);
    }
}
