using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// A client's care record: every entry ever made (<see cref="History"/>) and the current record folded from it.
/// Nothing is overwritten: a <see cref="Correction"/> makes the fold read its replacement in place of the corrected
/// entry, or skip the entry when struck, while the original stays in the history.
/// <para>
/// As JSON the record carries its current state for readers, but loading it replays <see cref="History"/>, so the
/// state always agrees with the history (and a fix to the fold reaches records already stored).
/// </para>
/// </summary>
public sealed record CareRecord
{
    private readonly RecordState state;
    private readonly ImmutableDictionary<string, RecordEntry> entriesById;
    private readonly ImmutableDictionary<string, Correction> latestCorrections;

    // Every (kind, id) the history ever added — network members, problems, goals, interventions, visits, notes — so a
    // write checks its id in O(log n) instead of scanning a history that grows by a year of visits.
    private readonly ImmutableHashSet<(Type Kind, string Id)> subjects;
    private readonly Lazy<Figures> derived;

    private CareRecord(
        string clientId,
        ImmutableList<RecordEntry> history,
        ImmutableDictionary<string, RecordEntry> entriesById,
        ImmutableDictionary<string, Correction> latestCorrections,
        ImmutableHashSet<(Type Kind, string Id)> subjects,
        RecordState state)
    {
        ClientId = clientId;
        History = history;
        this.entriesById = entriesById;
        this.latestCorrections = latestCorrections;
        this.subjects = subjects;
        this.state = state;
        derived = new(() => Figures.Of(state));
    }

    [JsonConstructor]
    private CareRecord(string clientId, ImmutableList<RecordEntry>? history)
        : this(Replayed(clientId, history ?? []))
    {
    }

    /// <summary>A record with no entries yet.</summary>
    public static CareRecord Create(string clientId) => Empty(Ids.Parse(clientId, "Client id"));

    /// <summary>Rebuilds a record from its history; the same as applying the entries one by one.</summary>
    public static CareRecord Replay(string clientId, IEnumerable<RecordEntry> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Replayed(Ids.Parse(clientId, "Client id"), history);
    }

    public string ClientId { get; }

    /// <summary>Set by the first referral; null before it.</summary>
    public NhsNumber? NhsNumber => state.NhsNumber;

    /// <summary>
    /// As given by the first referral, or as a nurse of the client's team last confirmed them
    /// (<see cref="DemographicsUpdated"/>); a later referral never changes them.
    /// </summary>
    public Demographics? Demographics => state.Demographics;

    /// <summary>Every referral, oldest first, each with the details it gave.</summary>
    public ImmutableList<ClientReferral> Referrals => state.Referrals;

    /// <summary>A referral gave details that differ from the record's, and no nurse has confirmed them since.</summary>
    [JsonIgnore]
    public bool DetailsDifferFromReferral => state.Referrals.Exists(r => r.DetailsPending);

    /// <summary>The episode on a team's caseload now, or null when the client is on no caseload.</summary>
    public Episode? OpenEpisode => state.OpenEpisode;

    public ImmutableList<Episode> PastEpisodes => state.PastEpisodes;

    /// <summary>The current episode's problems, active and resolved, with their ratings.</summary>
    public ImmutableList<CarePlanProblem> Problems => state.Problems;

    public ImmutableList<Goal> Goals => state.Goals;

    /// <summary>Interventions in progress (stopped ones, and those of resolved problems, are left out).</summary>
    public ImmutableList<Intervention> Interventions => state.Interventions;

    public DateOnly? NextReviewOn => state.NextReviewOn;

    public DateOnly? ReablementStartedOn => state.ReablementStartedOn;

    /// <summary>Six weeks after the episode's first reablement intervention, plus six weeks per renewal; null without reablement.</summary>
    public DateOnly? ReablementEndsOn => state.ReablementEndsOn;

    /// <summary>Visits of every episode, in the order recorded; struck visits are left out.</summary>
    public ImmutableList<Visit> Visits => state.Visits;

    public ImmutableList<Note> Notes => state.Notes;

    public ImmutableList<NetworkMember> Network => state.Network;

    /// <summary>Every entry ever applied, oldest first, corrections and corrected entries included.</summary>
    public ImmutableList<RecordEntry> History { get; }

    [JsonIgnore]
    public bool IsOnCaseload => state.OpenEpisode is not null;

    [JsonIgnore]
    public ImmutableList<CarePlanProblem> ActiveProblems => state.Problems.FindAll(p => p.IsActive);

    /// <summary>
    /// Appends an entry and folds it in. The entry is taken as it is: check it with <see cref="CareRecordRules"/>
    /// first. An entry whose id is already in the history is a retry and leaves the record as it is.
    /// </summary>
    public CareRecord Apply(RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entriesById.ContainsKey(entry.EntryId)) return this;
        var history = History.Add(entry);
        var byId = entriesById.Add(entry.EntryId, entry);
        var known = SubjectOf(entry) is { } subject ? subjects.Add(subject) : subjects;
        // A correction may change any earlier step of the fold, so the record is folded again from the start.
        if (entry is Correction || latestCorrections.ContainsKey(entry.EntryId)) return Rebuilt(ClientId, history, byId, known);
        return new(ClientId, history, byId, latestCorrections, known, state.Fold(entry));
    }

    public RecordEntry? FindEntry(string entryId) => entriesById.GetValueOrDefault(entryId);

    /// <summary>
    /// Whether an entry of kind <typeparamref name="TEntry"/> ever added the subject <paramref name="id"/> (a network
    /// member, problem, goal, intervention, visit or note), corrected or struck since or not: ids are never reused.
    /// </summary>
    public bool EverAdded<TEntry>(string id) where TEntry : RecordEntry => subjects.Contains((typeof(TEntry), id));

    private static (Type Kind, string Id)? SubjectOf(RecordEntry entry) => entry switch
    {
        NetworkMemberAdded e => (typeof(NetworkMemberAdded), e.MemberId),
        ProblemAdded e => (typeof(ProblemAdded), e.ProblemId),
        GoalAgreed e => (typeof(GoalAgreed), e.GoalId),
        InterventionAdded e => (typeof(InterventionAdded), e.InterventionId),
        VisitRecorded e => (typeof(VisitRecorded), e.VisitId),
        NoteAdded e => (typeof(NoteAdded), e.NoteId),
        _ => null,
    };

    /// <summary>The correction now in force for an entry (the latest one), or null when it was never corrected.</summary>
    public Correction? CorrectionOf(string entryId) => latestCorrections.GetValueOrDefault(entryId);

    /// <summary>
    /// The correction that replaced or struck an entry, by which the history marks it: for a corrected entry, the
    /// correction in force (<see cref="CorrectionOf"/>); for a correction that a later correction of the same entry
    /// superseded, that one too, so every step of a chain of corrections but the last is marked. Null for an entry
    /// that stands, including the correction in force.
    /// </summary>
    public Correction? CorrectedBy(string entryId)
    {
        var corrected = FindEntry(entryId) is Correction correction ? correction.CorrectsEntryId : entryId;
        return CorrectionOf(corrected) is { } latest && latest.EntryId != entryId ? latest : null;
    }

    public CarePlanProblem? ActiveProblem(string problemId) => state.Problems.Find(p => p.ProblemId == problemId && p.IsActive);

    /// <summary>
    /// Visits per nurse, for the continuity indices: out-of-hours visits are left out, since they are not the team's
    /// planned care. With <paramref name="currentEpisodeOnly"/> and no open episode the answer is empty.
    /// </summary>
    public ImmutableDictionary<string, int> VisitsByNurse(bool currentEpisodeOnly = true) =>
        currentEpisodeOnly ? derived.Value.VisitsByNurse : CountByNurse(state.Visits);

    /// <summary>Direct-care minutes over visit minutes in the current episode (the target is 0.6); null without visits.</summary>
    public double? DirectCareShare() => derived.Value.DirectCareShare;

    /// <summary>The current episode's visits, in the order recorded (empty with no open episode).</summary>
    [JsonIgnore]
    public ImmutableList<Visit> EpisodeVisits => derived.Value.Visits;

    /// <summary>The current episode's notes, in the order recorded (empty with no open episode).</summary>
    [JsonIgnore]
    public ImmutableList<Note> EpisodeNotes => derived.Value.Notes;

    private static ImmutableDictionary<string, int> CountByNurse(IEnumerable<Visit> visits) =>
        visits.Where(v => !v.OutOfHours)
            .GroupBy(v => v.NurseId, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    // What reads derive from a year of visits is worked out once per record, when first asked for: a record never
    // changes (a write makes a new one), and it is read far more often than written.
    private sealed record Figures(ImmutableList<Visit> Visits, ImmutableList<Note> Notes, ImmutableDictionary<string, int> VisitsByNurse, double? DirectCareShare)
    {
        public static Figures Of(RecordState state)
        {
            var episode = state.OpenEpisode?.EpisodeId;
            var visits = episode is null ? [] : state.Visits.FindAll(v => v.EpisodeId == episode);
            var notes = episode is null ? [] : state.Notes.FindAll(n => n.EpisodeId == episode);
            var minutes = visits.Sum(v => v.DurationMinutes);
            return new(visits, notes, CountByNurse(visits), minutes == 0 ? null : (double)visits.Sum(v => v.DirectCareMinutes) / minutes);
        }
    }

    public override string ToString() => $"CareRecord {ClientId} ({History.Count} entries)";

    private static CareRecord Empty(string clientId) =>
        new(clientId, [], ImmutableDictionary<string, RecordEntry>.Empty, ImmutableDictionary<string, Correction>.Empty, [], RecordState.Empty);

    /// <summary>
    /// The record that applying <paramref name="history"/> entry by entry builds (a repeated entry id is a retry and is
    /// skipped), in one pass: the indexes are built once and the whole history folded once, as after a correction,
    /// rather than a new record per entry — a year of visits loads in a fraction of the time.
    /// </summary>
    private static CareRecord Replayed(string clientId, IEnumerable<RecordEntry> history)
    {
        var entries = ImmutableList.CreateBuilder<RecordEntry>();
        var byId = ImmutableDictionary.CreateBuilder<string, RecordEntry>();
        var subjects = ImmutableHashSet.CreateBuilder<(Type Kind, string Id)>();
        foreach (var entry in history)
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (byId.ContainsKey(entry.EntryId)) continue;
            byId.Add(entry.EntryId, entry);
            entries.Add(entry);
            if (SubjectOf(entry) is { } subject) subjects.Add(subject);
        }
        return Rebuilt(clientId, entries.ToImmutable(), byId.ToImmutable(), subjects.ToImmutable());
    }

    private static CareRecord Rebuilt(string clientId, ImmutableList<RecordEntry> history, ImmutableDictionary<string, RecordEntry> byId,
        ImmutableHashSet<(Type Kind, string Id)> subjects)
    {
        var latest = ImmutableDictionary.CreateBuilder<string, Correction>();
        foreach (var correction in history.OfType<Correction>()) latest[correction.CorrectsEntryId] = correction;

        var folded = RecordState.Empty;
        foreach (var entry in history)
        {
            if (entry is Correction) continue;
            var current = latest.TryGetValue(entry.EntryId, out var correction) ? correction.Replacement : entry;
            if (current is not null) folded = folded.Fold(current);
        }
        return new(clientId, history, byId, latest.ToImmutable(), subjects, folded);
    }
}
