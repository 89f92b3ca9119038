using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// The current record and the one step of the fold that builds it. The fold never refuses an entry (a stored history
/// must always load): the rules refuse bad entries before they are appended, and here an entry whose subject is
/// missing, such as a rating for a struck problem, simply changes nothing.
/// <para>
/// The state is the present, not the past: its size does not grow with the length of the history. It keeps the
/// visits and notes of the last <see cref="KeptDays"/> days (at most <see cref="MaxKeptVisits"/> and
/// <see cref="KeptNotes"/>), a problem's first rating and its latest <see cref="KeptRatings"/>-1, and the
/// current episode's counts in <see cref="Tally"/>; everything older is read from the journal when asked for. What
/// stays whole is what a client has few of: referrals, episodes, the care plan and the network.
/// </para>
/// </summary>
public sealed record RecordState(
    NhsNumber? NhsNumber,
    Demographics? Demographics,
    ImmutableList<ClientReferral> Referrals,
    Episode? OpenEpisode,
    ImmutableList<Episode> PastEpisodes,
    ImmutableList<CarePlanProblem> Problems,
    ImmutableList<Goal> Goals,
    ImmutableList<Intervention> Interventions,
    DateOnly? NextReviewOn,
    DateOnly? ReablementStartedOn,
    DateOnly? ReablementEndsOn,
    ImmutableList<Visit> Visits,
    ImmutableList<Note> Notes,
    ImmutableList<NetworkMember> Network,
    EpisodeTally Tally)
{
    /// <summary>Reablement is free for six weeks under the Care Act 2014, and renewed six weeks at a time.</summary>
    public const int ReablementDays = 42;

    /// <summary>
    /// How far back from the newest visit (or note) the record keeps visits (and notes): what is due this week, who
    /// visited recently (the planner looks back at most this far) and last night's out-of-hours visits lie within it.
    /// </summary>
    public const int KeptDays = 35;

    /// <summary>
    /// A hard bound on visits kept, whatever their dates: more than the visits of a week (what is due reads one) even
    /// at seventeen visits a day.
    /// </summary>
    public const int MaxKeptVisits = 120;

    /// <summary>The most notes kept: as many as the record shows.</summary>
    public const int KeptNotes = 30;

    /// <summary>Ratings kept per problem: the first (the baseline of every outcome) and the latest ones.</summary>
    public const int KeptRatings = 12;

    public static readonly RecordState Empty = new(
        null, null, [], null, [], [], [], [], null, null, null, [], [], [], EpisodeTally.None);

    internal RecordState Fold(RecordEntry entry) => entry switch
    {
        // A referral's details are a claim: the first sets the record's details, a later one never changes them.
        ReferralReceived e => this with
        {
            NhsNumber = NhsNumber ?? e.NhsNumber,
            Demographics = Demographics ?? e.Demographics,
            Referrals = Referrals.Add(new(e.ReferralId, e.TeamId, e.Source, e.Needs, e.At, e.Demographics,
                DetailsDiffer: Demographics is { } known && known != e.Demographics)),
        },
        // Confirming the details settles every difference waiting for it: the nurse had them all in front of her.
        DemographicsUpdated e => this with
        {
            Demographics = e.Details,
            Referrals = Referrals.ConvertAll(r => r.DetailsPending ? r with { SettledByEntryId = e.EntryId } : r),
        },
        EpisodeOpened e when OpenEpisode is null => WithoutCarePlan() with
        {
            OpenEpisode = new(e.EpisodeId, e.TeamId, e.ReferralId, e.Source, e.Needs, e.At, null, null, null, []),
            Tally = EpisodeTally.None,
        },
        EpisodeClosed e when OpenEpisode is { } open => Close(open, e),
        NetworkMemberAdded e => this with
        {
            Network = Network.RemoveAll(m => m.MemberId == e.MemberId)
                .Add(new(e.MemberId, e.Role, e.Name, e.Contact, e.ContactPreference, e.Note, e.EntryId)),
        },
        NetworkMemberRemoved e => this with { Network = Network.RemoveAll(m => m.MemberId == e.MemberId) },
        // Clinical entries belong to an episode (the rules see to it that one is open); corrections act by
        // substitution when the history is folded (see CareRecord), never as a step here.
        _ => OpenEpisode is { } open ? FoldClinical(open, entry) : this,
    };

    private RecordState FoldClinical(Episode open, RecordEntry entry) => entry switch
    {
        ProblemAdded e => this with
        {
            Problems = Problems.Add(new(e.ProblemId, e.Problem, e.Scope, e.Severity, e.Signs, e.At, null, [])),
        },
        ProblemResolved e => this with
        {
            Problems = Update(Problems, p => p.ProblemId == e.ProblemId && p.IsActive, p => p with { ResolvedAt = e.At }),
            Interventions = Interventions.RemoveAll(i => i.ProblemId == e.ProblemId),
        },
        RatingRecorded e => Rate(e.ProblemId, new(e.Rating, e.RatedOn, e.Rater, e.EntryId)),
        GoalAgreed e => this with
        {
            Goals = Goals.RemoveAll(g => g.GoalId == e.GoalId)
                .Add(new(e.GoalId, e.ProblemId, e.Description, e.AgreedBy, e.AgreedByName, e.AgreedOn, e.EntryId)),
        },
        InterventionAdded e => StartReablementIfDue(e) with
        {
            Interventions = Interventions.Add(new(e.InterventionId, e.ProblemId, e.Category, e.Target, e.Detail,
                e.CareType, e.Frequency, e.TimeWindow, e.DurationMinutes, e.Skills, e.At)),
        },
        InterventionStopped e => this with { Interventions = Interventions.RemoveAll(i => i.InterventionId == e.InterventionId) },
        ReviewScheduled e => this with { NextReviewOn = e.DueOn },
        ReablementRenewed when ReablementEndsOn is { } end => this with { ReablementEndsOn = end.AddDays(ReablementDays) },
        VisitRecorded e => WithVisit(new(e.VisitId, open.EpisodeId, e.NurseId, e.Start, e.DurationMinutes,
            e.DirectCareMinutes, e.InterventionsDone, e.Note, e.OutOfHours, e.EntryId)),
        NoteAdded e => this with
        {
            Notes = Latest(Notes.Add(new(e.NoteId, open.EpisodeId, e.Text, e.At, e.RecordedBy, e.EntryId))
                .RemoveAll(n => n.At < e.At.AddDays(-KeptDays)), KeptNotes),
            Tally = Tally with { Notes = Tally.Notes + 1 },
        },
        _ => this,
    };

    /// <summary>The local date of a moment (see <see cref="CareTime"/>: entries carry the organisation's offset).</summary>
    public static DateOnly DateOf(DateTimeOffset at) => CareTime.DateOf(at);

    private RecordState Close(Episode open, EpisodeClosed e)
    {
        var rated = e.FinalRatings.Aggregate(this, (state, r) =>
            state.Rate(r.ProblemId, new(r.Rating, DateOf(e.At), e.RecordedBy, e.EntryId)));
        var outcomes = rated.Problems
            .Select(p => new ProblemOutcome(p.ProblemId, p.Problem, p.FirstRating?.Rating, p.LatestRating?.Rating))
            .ToImmutableList();
        var closed = open with { DischargedAt = e.At, DischargeReason = e.Reason, Summary = e.Summary, Outcomes = outcomes };
        return rated.WithoutCarePlan() with { OpenEpisode = null, PastEpisodes = PastEpisodes.Add(closed), Tally = EpisodeTally.None };
    }

    /// <summary>Adds a visit to the tally and to the visits kept, leaving out those older than the window.</summary>
    private RecordState WithVisit(Visit visit)
    {
        var newest = Visits.Select(v => v.Start).Append(visit.Start).Max();
        var since = newest.AddDays(-KeptDays);
        var kept = Visits.Add(visit).RemoveAll(v => v.Start < since);
        return this with { Visits = Latest(kept, MaxKeptVisits), Tally = Tally.With(visit) };
    }

    /// <summary>
    /// The same state with equal values held once. A state read from storage gets a string of its own for every
    /// occurrence of a nurse's, an episode's or an intervention's id, and a long episode's present repeats them in
    /// every visit, note and rating it keeps (a visit's id and its entry's id are even the same value twice). What the
    /// state says does not change; only how many copies of it the heap holds.
    /// </summary>
    internal RecordState Shared()
    {
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var lists = new Dictionary<string, ImmutableList<string>>(StringComparer.Ordinal);
        string One(string value) => strings.TryGetValue(value, out var held) ? held : strings[value] = value;
        ImmutableList<string> Same(ImmutableList<string> values)
        {
            var key = string.Join('\u001f', values);
            return lists.TryGetValue(key, out var held) ? held : lists[key] = values.ConvertAll(One);
        }
        return this with
        {
            Problems = Problems.ConvertAll(p => p with { Ratings = p.Ratings.ConvertAll(r => r with { Rater = One(r.Rater) }) }),
            Visits = Visits.ConvertAll(v => v with
            {
                VisitId = One(v.VisitId),
                EntryId = One(v.EntryId),
                EpisodeId = One(v.EpisodeId),
                NurseId = One(v.NurseId),
                InterventionsDone = Same(v.InterventionsDone),
            }),
            Notes = Notes.ConvertAll(n => n with
            {
                NoteId = One(n.NoteId),
                EntryId = One(n.EntryId),
                EpisodeId = One(n.EpisodeId),
                RecordedBy = One(n.RecordedBy),
            }),
            Tally = Tally with
            {
                VisitsByNurse = Tally.VisitsByNurse.ToImmutableDictionary(v => One(v.Key), v => v.Value, StringComparer.Ordinal),
            },
        };
    }

    private static ImmutableList<T> Latest<T>(ImmutableList<T> items, int count) =>
        items.Count > count ? items.RemoveRange(0, items.Count - count) : items;

    // A care plan belongs to one episode; the next admission starts a fresh one.
    private RecordState WithoutCarePlan() => this with
    {
        Problems = [],
        Goals = [],
        Interventions = [],
        NextReviewOn = null,
        ReablementStartedOn = null,
        ReablementEndsOn = null,
    };

    // The first rating stays: every outcome is measured from it. Of the rest, the latest are kept.
    private RecordState Rate(string problemId, RecordedRating rating) => this with
    {
        Problems = Update(Problems, p => p.ProblemId == problemId, p => p with
        {
            Ratings = p.Ratings.Count < KeptRatings ? p.Ratings.Add(rating) : p.Ratings.RemoveAt(1).Add(rating),
        }),
    };

    private RecordState StartReablementIfDue(InterventionAdded e)
    {
        if (e.CareType != CareType.Reablement || ReablementStartedOn is not null) return this;
        var start = DateOf(e.At);
        return this with { ReablementStartedOn = start, ReablementEndsOn = start.AddDays(ReablementDays) };
    }

    private static ImmutableList<T> Update<T>(ImmutableList<T> items, Func<T, bool> match, Func<T, T> change)
    {
        var index = items.FindIndex(item => match(item));
        return index < 0 ? items : items.SetItem(index, change(items[index]));
    }
}

/// <summary>
/// The current episode's visits and notes as counts and minutes, kept as they land so that continuity and figures
/// never need the visits themselves. Out-of-hours visits count as visits and for the direct-care share, but not for
/// continuity or the team's planned care (they are someone else's care).
/// </summary>
public sealed record EpisodeTally(
    int Visits,
    int Notes,
    int Minutes,
    int DirectMinutes,
    int PlannedMinutes,
    int PlannedDirectMinutes,
    ImmutableDictionary<string, int> VisitsByNurse)
{
    public static readonly EpisodeTally None = new(0, 0, 0, 0, 0, 0, ImmutableDictionary.Create<string, int>(StringComparer.Ordinal));

    internal EpisodeTally With(Visit visit) => visit.OutOfHours
        ? this with { Visits = Visits + 1, Minutes = Minutes + visit.DurationMinutes, DirectMinutes = DirectMinutes + visit.DirectCareMinutes }
        : this with
        {
            Visits = Visits + 1,
            Minutes = Minutes + visit.DurationMinutes,
            DirectMinutes = DirectMinutes + visit.DirectCareMinutes,
            PlannedMinutes = PlannedMinutes + visit.DurationMinutes,
            PlannedDirectMinutes = PlannedDirectMinutes + visit.DirectCareMinutes,
            VisitsByNurse = VisitsByNurse.SetItem(visit.NurseId, VisitsByNurse.GetValueOrDefault(visit.NurseId) + 1),
        };
}
