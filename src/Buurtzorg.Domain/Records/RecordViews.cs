using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

// The current record, as folded from the history. Views that an app may correct carry the EntryId to point a
// Correction at. Views holding names or free text print only their id, since a record may end up in a log line.

/// <summary>
/// A referral on the record, with the details it gave: a claim about the client, never the record's details.
/// <see cref="DetailsDiffer"/> when they differed from the record's as it arrived; the difference waits for a nurse of
/// the client's team until a <see cref="DemographicsUpdated"/> entry (<see cref="SettledByEntryId"/>) settles it.
/// </summary>
public sealed record ClientReferral(
    string ReferralId,
    string TeamId,
    ReferralSource Source,
    ImmutableSortedSet<Skill> Needs,
    DateTimeOffset ReceivedAt,
    Demographics? Details = null,
    bool DetailsDiffer = false,
    string? SettledByEntryId = null)
{
    /// <summary>The referral's details differ from the record's, and no nurse has confirmed the details since.</summary>
    [JsonIgnore]
    public bool DetailsPending => DetailsDiffer && SettledByEntryId is null;

    public override string ToString() => $"Referral {ReferralId}";
}

/// <summary>A stay on a team's caseload. Open while <see cref="DischargedAt"/> is null.</summary>
public sealed record Episode(
    string EpisodeId,
    string TeamId,
    string ReferralId,
    ReferralSource Source,
    ImmutableSortedSet<Skill> Needs,
    DateTimeOffset AdmittedAt,
    DateTimeOffset? DischargedAt,
    DischargeReason? DischargeReason,
    string? Summary,
    ImmutableList<ProblemOutcome> Outcomes)
{
    [JsonIgnore]
    public bool IsOpen => DischargedAt is null;

    public override string ToString() => $"Episode {EpisodeId}";
}

/// <summary>What became of a problem by the end of an episode: its first and final ratings.</summary>
public sealed record ProblemOutcome(string ProblemId, OmahaProblem Problem, OutcomeRating? First, OutcomeRating? Final)
{
    [JsonIgnore]
    public OutcomeChange? Change => First is null || Final is null ? null : OutcomeChange.Between(First, Final);
}

public sealed record RecordedRating(OutcomeRating Rating, DateOnly RatedOn, string Rater, string EntryId);

/// <summary>A problem on the current episode's care plan; active until resolved. Ratings are in the order recorded.</summary>
public sealed record CarePlanProblem(
    string ProblemId,
    OmahaProblem Problem,
    ProblemScope Scope,
    ProblemSeverity Severity,
    ImmutableList<string> Signs,
    DateTimeOffset IdentifiedAt,
    DateTimeOffset? ResolvedAt,
    ImmutableList<RecordedRating> Ratings)
{
    [JsonIgnore]
    public bool IsActive => ResolvedAt is null;

    [JsonIgnore]
    public OmahaDomain Domain => OmahaCatalogue.DomainOf(Problem);

    [JsonIgnore]
    public RecordedRating? FirstRating => Ratings.IsEmpty ? null : Ratings[0];

    [JsonIgnore]
    public RecordedRating? LatestRating => Ratings.IsEmpty ? null : Ratings[^1];

    /// <summary>Latest minus first rating; null until the problem is rated.</summary>
    [JsonIgnore]
    public OutcomeChange? Change => Ratings.IsEmpty ? null : OutcomeChange.Between(Ratings[0].Rating, Ratings[^1].Rating);

    public override string ToString() => $"Problem {ProblemId}";
}

public sealed record Goal(
    string GoalId,
    string ProblemId,
    string Description,
    AgreedBy AgreedBy,
    string AgreedByName,
    DateOnly AgreedOn,
    string EntryId)
{
    public override string ToString() => $"Goal {GoalId}";
}

public sealed record Intervention(
    string InterventionId,
    string ProblemId,
    InterventionCategory Category,
    string Target,
    string? Detail,
    CareType CareType,
    VisitFrequency Frequency,
    TimeWindow TimeWindow,
    int DurationMinutes,
    ImmutableSortedSet<Skill> Skills,
    DateTimeOffset StartedAt)
{
    public override string ToString() => $"Intervention {InterventionId}";
}

public sealed record Visit(
    string VisitId,
    string EpisodeId,
    string NurseId,
    DateTimeOffset Start,
    int DurationMinutes,
    int DirectCareMinutes,
    ImmutableList<string> InterventionsDone,
    string? Note,
    bool OutOfHours,
    string EntryId)
{
    public override string ToString() => $"Visit {VisitId}";
}

public sealed record Note(string NoteId, string EpisodeId, string Text, DateTimeOffset At, string RecordedBy, string EntryId)
{
    public override string ToString() => $"Note {NoteId}";
}

public sealed record NetworkMember(
    string MemberId,
    NetworkRole Role,
    string Name,
    string? Contact,
    ContactPreference ContactPreference,
    string? Note,
    string EntryId)
{
    [JsonIgnore]
    public NetworkKind Kind => NetworkCatalogue.KindOf(Role);

    public override string ToString() => $"Network member {MemberId}";
}
