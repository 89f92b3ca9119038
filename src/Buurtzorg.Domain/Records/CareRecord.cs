using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// A client's care record: the present folded from every entry ever made. Nothing is overwritten: a
/// <see cref="Correction"/> makes the fold read its replacement in place of the corrected entry, or skip the entry when
/// struck, while the original stays in the history.
/// <para>
/// A record comes in two forms. Built from its history (<see cref="Create"/>, <see cref="Replay"/>) it holds every
/// entry, as the rules need when an entry is corrected. <see cref="Present"/> keeps only what the present needs — the
/// folded state (see <see cref="RecordState"/>: bounded, whatever the history's length), the latest
/// <see cref="RecentEntries"/> entries by id for retries, and the ids of the care plan's subjects — which is what a
/// grain holds and a snapshot stores. The history itself lives in the journal, read a page at a time.
/// </para>
/// </summary>
public sealed record CareRecord
{
    /// <summary>
    /// Entries a present-only record keeps whole, so that a retry in the minutes after a write (a visit, its note and a
    /// rating) is answered at once; an older retry is answered from the journal, whose entry ids are unique. Every
    /// present in memory carries them, so they are few: at 16 they were a third of a long episode's present.
    /// </summary>
    public const int RecentEntries = 4;

    private readonly RecordState state;
    private readonly ImmutableList<RecordEntry>? history;
    private readonly ImmutableList<RecordEntry> recent;
    private readonly ImmutableDictionary<string, RecordEntry> entriesById;
    private readonly ImmutableDictionary<string, Correction> latestCorrections;

    // The (kind, id) of every subject the record ever added — network members, problems, goals, interventions, and
    // with the history also visits and notes — so a write checks its id in O(1). Ids are never reused.
    private readonly ImmutableHashSet<Subject> subjects;
    private readonly Lazy<EpisodeWork> episode;

    private CareRecord(
        string clientId,
        long version,
        RecordState state,
        ImmutableList<RecordEntry>? history,
        ImmutableList<RecordEntry> recent,
        ImmutableDictionary<string, RecordEntry> entriesById,
        ImmutableDictionary<string, Correction> latestCorrections,
        ImmutableHashSet<Subject> subjects)
    {
        ClientId = clientId;
        Version = version;
        this.state = state;
        this.history = history;
        this.recent = recent;
        this.entriesById = entriesById;
        this.latestCorrections = latestCorrections;
        this.subjects = subjects;
        episode = new(() => EpisodeWork.Of(state));
    }

    /// <summary>
    /// Reads a stored record: with a history (today's snapshots and records built in tests) it is replayed, so the state
    /// agrees with the history; without one, the stored present is taken as it is.
    /// </summary>
    [JsonConstructor]
    private CareRecord(string clientId, long version, RecordState? state, ImmutableList<RecordEntry>? recentHistory,
        ImmutableList<Subject>? knownSubjects, ImmutableList<RecordEntry>? storedHistory)
        : this(storedHistory is not null || state is null
            ? Replayed(clientId, storedHistory ?? [])
            : FromPresent(clientId, version, state, recentHistory ?? [], knownSubjects ?? []))
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

    /// <summary>How many entries the record has folded: the journal's number of its newest entry.</summary>
    public long Version { get; }

    /// <summary>Whether this record holds every entry (see <see cref="History"/>) or the present only.</summary>
    [JsonIgnore]
    public bool HasHistory => history is not null;

    /// <summary>Set by the first referral; null before it.</summary>
    [JsonIgnore]
    public NhsNumber? NhsNumber => state.NhsNumber;

    /// <summary>
    /// As given by the first referral, or as a nurse of the client's team last confirmed them
    /// (<see cref="DemographicsUpdated"/>); a later referral never changes them.
    /// </summary>
    [JsonIgnore]
    public Demographics? Demographics => state.Demographics;

    /// <summary>Every referral, oldest first, each with the details it gave.</summary>
    [JsonIgnore]
    public ImmutableList<ClientReferral> Referrals => state.Referrals;

    /// <summary>A referral gave details that differ from the record's, and no nurse has confirmed them since.</summary>
    [JsonIgnore]
    public bool DetailsDifferFromReferral => state.Referrals.Exists(r => r.DetailsPending);

    /// <summary>The episode on a team's caseload now, or null when the client is on no caseload.</summary>
    [JsonIgnore]
    public Episode? OpenEpisode => state.OpenEpisode;

    [JsonIgnore]
    public ImmutableList<Episode> PastEpisodes => state.PastEpisodes;

    /// <summary>The current episode's problems, active and resolved, with their first and latest ratings.</summary>
    [JsonIgnore]
    public ImmutableList<CarePlanProblem> Problems => state.Problems;

    [JsonIgnore]
    public ImmutableList<Goal> Goals => state.Goals;

    /// <summary>Interventions in progress (stopped ones, and those of resolved problems, are left out).</summary>
    [JsonIgnore]
    public ImmutableList<Intervention> Interventions => state.Interventions;

    [JsonIgnore]
    public DateOnly? NextReviewOn => state.NextReviewOn;

    [JsonIgnore]
    public DateOnly? ReablementStartedOn => state.ReablementStartedOn;

    /// <summary>Six weeks after the episode's first reablement intervention, plus six weeks per renewal; null without reablement.</summary>
    [JsonIgnore]
    public DateOnly? ReablementEndsOn => state.ReablementEndsOn;

    /// <summary>
    /// The visits of the last <see cref="RecordState.KeptDays"/> days before the newest, in the order recorded;
    /// struck visits are left out. Older visits are in the history.
    /// </summary>
    [JsonIgnore]
    public ImmutableList<Visit> Visits => state.Visits;

    /// <summary>The latest <see cref="RecordState.KeptNotes"/> notes, in the order recorded.</summary>
    [JsonIgnore]
    public ImmutableList<Note> Notes => state.Notes;

    [JsonIgnore]
    public ImmutableList<NetworkMember> Network => state.Network;

    /// <summary>The current episode's counts (none with no open episode).</summary>
    [JsonIgnore]
    public EpisodeTally Tally => state.OpenEpisode is null ? EpisodeTally.None : state.Tally;

    /// <summary>Every entry ever applied, oldest first, corrections and corrected entries included; only with the history.</summary>
    [JsonIgnore]
    public ImmutableList<RecordEntry> History =>
        history ?? throw new InvalidOperationException("This record holds the present only: its history is in the journal.");

    /// <summary>The latest entries, oldest first (at most <see cref="RecentEntries"/>).</summary>
    [JsonPropertyName("recent")]
    public ImmutableList<RecordEntry> RecentHistory => recent;

    [JsonIgnore]
    public bool IsOnCaseload => state.OpenEpisode is not null;

    [JsonIgnore]
    public ImmutableList<CarePlanProblem> ActiveProblems => state.Problems.FindAll(p => p.IsActive);

    // What is stored: the present, and the history when the record holds it.

    /// <summary>The folded state: what the record's other properties read.</summary>
    public RecordState State => state;

    /// <summary>The ids of the care plan's subjects and the network (visits and notes only with the history).</summary>
    [JsonPropertyName("subjects")]
    public ImmutableList<Subject> KnownSubjects =>
        [.. subjects.Where(s => history is null || !s.GrowsWithHistory).OrderBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal)];

    [JsonPropertyName("history"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableList<RecordEntry>? StoredHistory => history;

    /// <summary>
    /// Appends an entry and folds it in. The entry is taken as it is: check it with <see cref="CareRecordRules"/>
    /// first. An entry whose id the record knows is a retry and leaves the record as it is (a present-only record
    /// knows its <see cref="RecentEntries"/> latest; the journal knows the rest).
    /// </summary>
    /// <exception cref="InvalidOperationException">A correction on a present-only record: replay the history with it.</exception>
    public CareRecord Apply(RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entriesById.ContainsKey(entry.EntryId)) return this;
        if (history is null && entry is Correction)
            throw new InvalidOperationException("A correction is folded from the whole history: replay the record's history with it.");
        var latest = recent.Add(entry);
        var dropped = latest.Count > RecentEntries ? latest[0] : null;
        if (dropped is not null) latest = latest.RemoveAt(0);
        var byId = entriesById.Add(entry.EntryId, entry);
        if (history is null && dropped is not null) byId = byId.Remove(dropped.EntryId);
        var known = Subject.Of(entry) is { } subject && (history is not null || !subject.GrowsWithHistory) ? subjects.Add(subject) : subjects;
        if (history is null) return new(ClientId, Version + 1, state.Fold(entry), null, latest, byId, latestCorrections, known);
        var all = history.Add(entry);
        // A correction may change any earlier step of the fold, so the record is folded again from the start.
        if (entry is Correction || latestCorrections.ContainsKey(entry.EntryId)) return Rebuilt(ClientId, all, byId, known);
        return new(ClientId, Version + 1, state.Fold(entry), all, latest, byId, latestCorrections, known);
    }

    /// <summary>The record as a grain holds it and a snapshot stores it: the present, without the history.</summary>
    public CareRecord Present() => history is null ? this : new(ClientId, Version, state, null, recent,
        recent.ToImmutableDictionary(e => e.EntryId, StringComparer.Ordinal), ImmutableDictionary<string, Correction>.Empty,
        subjects.Where(s => !s.GrowsWithHistory).ToImmutableHashSet());

    /// <summary>An entry by id: any entry of a record with its history, the latest ones of a present-only record.</summary>
    public RecordEntry? FindEntry(string entryId) => entriesById.GetValueOrDefault(entryId);

    /// <summary>
    /// Whether an entry of kind <typeparamref name="TEntry"/> ever added the subject <paramref name="id"/> (a network
    /// member, problem, goal, intervention, visit or note), corrected or struck since or not: ids are never reused. A
    /// present-only record knows the visits and notes it keeps and its latest entries; the journal holds the rest
    /// (and the service gives every new visit and note the id of its entry, which the journal keeps unique).
    /// </summary>
    public bool EverAdded<TEntry>(string id) where TEntry : RecordEntry
    {
        var subject = new Subject(RecordEntry.KindOf(typeof(TEntry)), id);
        if (subjects.Contains(subject) || history is not null) return subjects.Contains(subject);
        return recent.Exists(e => Subject.Of(e) == subject)
            || (typeof(TEntry) == typeof(VisitRecorded) && state.Visits.Exists(v => v.VisitId == id))
            || (typeof(TEntry) == typeof(NoteAdded) && state.Notes.Exists(n => n.NoteId == id));
    }

    /// <summary>The correction now in force for an entry (the latest one), or null when it was never corrected (with the history).</summary>
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
    /// planned care. With <paramref name="currentEpisodeOnly"/> (from the episode's tally) and no open episode the
    /// answer is empty; without, over the visits the record keeps.
    /// </summary>
    public ImmutableDictionary<string, int> VisitsByNurse(bool currentEpisodeOnly = true) =>
        currentEpisodeOnly ? Tally.VisitsByNurse : state.Visits.Where(v => !v.OutOfHours)
            .GroupBy(v => v.NurseId, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Direct-care minutes over visit minutes in the current episode (the target is 0.6); null without visits.</summary>
    public double? DirectCareShare() => Tally.Minutes == 0 ? null : (double)Tally.DirectMinutes / Tally.Minutes;

    /// <summary>The current episode's visits kept, in the order recorded (empty with no open episode).</summary>
    [JsonIgnore]
    public ImmutableList<Visit> EpisodeVisits => episode.Value.Visits;

    /// <summary>The current episode's notes kept, in the order recorded (empty with no open episode).</summary>
    [JsonIgnore]
    public ImmutableList<Note> EpisodeNotes => episode.Value.Notes;

    // A record never changes (a write makes a new one), and it is read far more often than written.
    private sealed record EpisodeWork(ImmutableList<Visit> Visits, ImmutableList<Note> Notes)
    {
        public static EpisodeWork Of(RecordState state) => state.OpenEpisode?.EpisodeId is { } open
            ? new(state.Visits.FindAll(v => v.EpisodeId == open), state.Notes.FindAll(n => n.EpisodeId == open))
            : new([], []);
    }

    public override string ToString() => $"CareRecord {ClientId} ({Version} entries)";

    private static CareRecord Empty(string clientId) =>
        new(clientId, 0, RecordState.Empty, [], [], ImmutableDictionary<string, RecordEntry>.Empty.WithComparers(StringComparer.Ordinal),
            ImmutableDictionary<string, Correction>.Empty, []);

    private static CareRecord FromPresent(string clientId, long version, RecordState state, ImmutableList<RecordEntry> recent, ImmutableList<Subject> subjects) =>
        new(Ids.Parse(clientId, "Client id"), version, state.Shared(), null, recent,
            recent.ToImmutableDictionary(e => e.EntryId, StringComparer.Ordinal), ImmutableDictionary<string, Correction>.Empty,
            subjects.ToImmutableHashSet());

    /// <summary>
    /// The record that applying <paramref name="history"/> entry by entry builds (a repeated entry id is a retry and is
    /// skipped), in one pass: the indexes are built once and the whole history folded once, as after a correction,
    /// rather than a new record per entry — a year of visits loads in a fraction of the time.
    /// </summary>
    private static CareRecord Replayed(string clientId, IEnumerable<RecordEntry> history)
    {
        var entries = ImmutableList.CreateBuilder<RecordEntry>();
        var byId = ImmutableDictionary.CreateBuilder<string, RecordEntry>(StringComparer.Ordinal);
        var subjects = ImmutableHashSet.CreateBuilder<Subject>();
        foreach (var entry in history)
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (byId.ContainsKey(entry.EntryId)) continue;
            byId.Add(entry.EntryId, entry);
            entries.Add(entry);
            if (Subject.Of(entry) is { } subject) subjects.Add(subject);
        }
        return Rebuilt(clientId, entries.ToImmutable(), byId.ToImmutable(), subjects.ToImmutable());
    }

    private static CareRecord Rebuilt(string clientId, ImmutableList<RecordEntry> history, ImmutableDictionary<string, RecordEntry> byId,
        ImmutableHashSet<Subject> subjects)
    {
        var latest = ImmutableDictionary.CreateBuilder<string, Correction>(StringComparer.Ordinal);
        foreach (var correction in history.OfType<Correction>()) latest[correction.CorrectsEntryId] = correction;

        var folded = RecordState.Empty;
        foreach (var entry in history)
        {
            if (entry is Correction) continue;
            var current = latest.TryGetValue(entry.EntryId, out var correction) ? correction.Replacement : entry;
            if (current is not null) folded = folded.Fold(current);
        }
        var recent = history.Count > RecentEntries ? history.GetRange(history.Count - RecentEntries, RecentEntries) : history;
        return new(clientId, history.Count, folded, history, recent, byId, latest.ToImmutable(), subjects);
    }
}

/// <summary>
/// Something an entry added to a record under an id that is never reused: a network member, problem, goal,
/// intervention, visit or note, named by the kind of entry that added it.
/// </summary>
public sealed record Subject(string Kind, string Id)
{
    /// <summary>Visits and notes come with every day of care; the rest with the care plan.</summary>
    [JsonIgnore]
    public bool GrowsWithHistory => Kind is "visit_recorded" or "note_added";

    public static Subject? Of(RecordEntry entry) => entry switch
    {
        NetworkMemberAdded e => new(entry.Kind, e.MemberId),
        ProblemAdded e => new(entry.Kind, e.ProblemId),
        GoalAgreed e => new(entry.Kind, e.GoalId),
        InterventionAdded e => new(entry.Kind, e.InterventionId),
        VisitRecorded e => new(entry.Kind, e.VisitId),
        NoteAdded e => new(entry.Kind, e.NoteId),
        _ => null,
    };

    public override string ToString() => $"{Kind} {Id}";
}
