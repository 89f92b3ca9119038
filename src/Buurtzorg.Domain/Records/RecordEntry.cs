using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// One dated, attributed entry in a client's record. The record's history is a list of these and never shrinks;
/// the current record is folded from it. <c>$kind</c> names the entry type in stored JSON, so the names below are a
/// storage format: never rename one.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(ReferralReceived), "referral_received")]
[JsonDerivedType(typeof(EpisodeOpened), "episode_opened")]
[JsonDerivedType(typeof(EpisodeClosed), "episode_closed")]
[JsonDerivedType(typeof(NetworkMemberAdded), "network_member_added")]
[JsonDerivedType(typeof(NetworkMemberRemoved), "network_member_removed")]
[JsonDerivedType(typeof(ProblemAdded), "problem_added")]
[JsonDerivedType(typeof(ProblemResolved), "problem_resolved")]
[JsonDerivedType(typeof(RatingRecorded), "rating_recorded")]
[JsonDerivedType(typeof(GoalAgreed), "goal_agreed")]
[JsonDerivedType(typeof(InterventionAdded), "intervention_added")]
[JsonDerivedType(typeof(InterventionStopped), "intervention_stopped")]
[JsonDerivedType(typeof(ReviewScheduled), "review_scheduled")]
[JsonDerivedType(typeof(ReablementRenewed), "reablement_renewed")]
[JsonDerivedType(typeof(VisitRecorded), "visit_recorded")]
[JsonDerivedType(typeof(NoteAdded), "note_added")]
[JsonDerivedType(typeof(Correction), "correction")]
[JsonDerivedType(typeof(DemographicsUpdated), "demographics_updated")]
public abstract record RecordEntry(string EntryId, DateTimeOffset At, string RecordedBy)
{
    private static readonly FrozenDictionary<Type, string> Kinds = typeof(RecordEntry)
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The entry's kind as stored (<c>visit_recorded</c>, <c>correction</c>, …).</summary>
    [JsonIgnore]
    public string Kind => Kinds[GetType()];

    /// <summary>The stored kind of an entry type.</summary>
    public static string KindOf(Type entryType) => Kinds[entryType];

    /// <summary>Names the kind and id only: entries carry patient data and may end up in a log line.</summary>
    public sealed override string ToString() => $"{Kind} {EntryId}";
}

/// <summary>
/// A referral for the client reached a team. The first sets the record's NHS number and details; a later one never
/// changes them: its details stay with the referral, as a claim for the client's team to check
/// (<see cref="DemographicsUpdated"/>).
/// </summary>
public sealed record ReferralReceived(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string ReferralId,
    string TeamId,
    ReferralSource Source,
    Demographics Demographics,
    ImmutableSortedSet<Skill> Needs,
    NhsNumber? NhsNumber = null)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>A team admitted the client: the client is on that team's caseload until the episode closes.</summary>
public sealed record EpisodeOpened(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string EpisodeId,
    string TeamId,
    string ReferralId,
    ReferralSource Source,
    ImmutableSortedSet<Skill> Needs)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>The client was discharged. Final ratings, when given, become the problems' last ratings.</summary>
public sealed record EpisodeClosed(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string EpisodeId,
    DischargeReason Reason,
    string? Summary,
    ImmutableList<ProblemRating> FinalRatings)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record NetworkMemberAdded(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string MemberId,
    NetworkRole Role,
    string Name,
    string? Contact,
    ContactPreference ContactPreference,
    string? Note)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record NetworkMemberRemoved(string EntryId, DateTimeOffset At, string RecordedBy, string MemberId)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>An Omaha problem goes on the care plan, with its modifiers and (when actual) its signs and symptoms.</summary>
public sealed record ProblemAdded(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string ProblemId,
    OmahaProblem Problem,
    ProblemScope Scope,
    ProblemSeverity Severity,
    ImmutableList<string> Signs)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>A problem leaves the care plan; its interventions end with it.</summary>
public sealed record ProblemResolved(string EntryId, DateTimeOffset At, string RecordedBy, string ProblemId)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record RatingRecorded(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string ProblemId,
    OutcomeRating Rating,
    DateOnly RatedOn,
    string Rater)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>A goal for a problem, agreed with the client or their representative (care plans are co-produced).</summary>
public sealed record GoalAgreed(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string GoalId,
    string ProblemId,
    string Description,
    AgreedBy AgreedBy,
    string AgreedByName,
    DateOnly AgreedOn)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record InterventionAdded(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string InterventionId,
    string ProblemId,
    InterventionCategory Category,
    string Target,
    string? Detail,
    CareType CareType,
    VisitFrequency Frequency,
    TimeWindow TimeWindow,
    int DurationMinutes,
    ImmutableSortedSet<Skill> Skills)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record InterventionStopped(string EntryId, DateTimeOffset At, string RecordedBy, string InterventionId)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record ReviewScheduled(string EntryId, DateTimeOffset At, string RecordedBy, DateOnly DueOn)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>The reablement period runs another six weeks from its current end.</summary>
public sealed record ReablementRenewed(string EntryId, DateTimeOffset At, string RecordedBy)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record VisitRecorded(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string VisitId,
    string NurseId,
    DateTimeOffset Start,
    int DurationMinutes,
    int DirectCareMinutes,
    ImmutableList<string> InterventionsDone,
    string? Note,
    bool OutOfHours)
    : RecordEntry(EntryId, At, RecordedBy);

public sealed record NoteAdded(string EntryId, DateTimeOffset At, string RecordedBy, string NoteId, string Text)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>
/// A nurse of the client's team confirmed the client's details (name, date of birth, address, phone): the record
/// reads them from here on, and every referral whose details differed is settled. <see cref="ReferralId"/> names the
/// referral whose details were confirmed, when that is where they came from.
/// </summary>
public sealed record DemographicsUpdated(
    string EntryId, DateTimeOffset At, string RecordedBy,
    Demographics Details,
    DemographicsSource Source,
    string? ReferralId = null)
    : RecordEntry(EntryId, At, RecordedBy);

/// <summary>
/// Corrects an earlier entry without touching it: the current record reads <see cref="Replacement"/> in its place, or
/// leaves it out when <see cref="Replacement"/> is null (struck: entered in error). The latest correction of an entry wins.
/// The replacement carries the corrected entry's id, time and author, so it stands exactly where the original stood.
/// </summary>
public sealed record Correction(
    string EntryId, DateTimeOffset At, string RecordedBy,
    string CorrectsEntryId,
    string Reason,
    RecordEntry? Replacement)
    : RecordEntry(EntryId, At, RecordedBy)
{
    [JsonIgnore]
    public bool Strikes => Replacement is null;
}
