using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;

namespace Buurtzorg.Domain.Planning;

/// <summary>How the nurse a visit went to stands to the client, best first.</summary>
public enum ContinuityMatch
{
    NamedNurse = 1,
    BackupNurse,
    RecentVisitor,
    OtherNurse,
}

/// <summary>Why nobody on duty could take a visit.</summary>
public enum UnassignedReason
{
    NoNurseOnDuty = 1,
    NoSkillOnDuty,
    NoHoursLeft,
    NoTimeInWindow,
    NotOnCaseload,
}

public static class UnassignedReasons
{
    public static string Code(UnassignedReason reason) => reason switch
    {
        UnassignedReason.NoNurseOnDuty => "NO_NURSE_ON_DUTY",
        UnassignedReason.NoSkillOnDuty => "NO_SKILL_ON_DUTY",
        UnassignedReason.NoHoursLeft => "NO_HOURS_LEFT",
        UnassignedReason.NoTimeInWindow => "NO_TIME_IN_WINDOW",
        _ => "NOT_ON_CASELOAD",
    };

    public static string Explain(UnassignedReason reason) => reason switch
    {
        UnassignedReason.NoNurseOnDuty => "Nobody is on duty that day.",
        UnassignedReason.NoSkillOnDuty => "Nobody on duty holds every skill the visit needs.",
        UnassignedReason.NoHoursLeft => "Everyone on duty with the skills has no minutes left for the visit and its travel.",
        UnassignedReason.NoTimeInWindow => "Nobody on duty with the skills has room for the visit inside its time window.",
        _ => "The client is not on the team's caseload.",
    };
}

/// <summary>Who the client knows: the named nurse, the backup, and who visited lately (most visits first).</summary>
public sealed record VisitContinuity(string? NamedNurseId, string? BackupNurseId, ImmutableList<string> RecentNurseIds)
{
    public static readonly VisitContinuity None = new(null, null, []);

    public ContinuityMatch Match(string nurseId) =>
        nurseId == NamedNurseId ? ContinuityMatch.NamedNurse
        : nurseId == BackupNurseId ? ContinuityMatch.BackupNurse
        : RecentNurseIds.Contains(nurseId) ? ContinuityMatch.RecentVisitor
        : ContinuityMatch.OtherNurse;
}

/// <summary>A visit with its nurse and start time; the travel allowance runs just before <see cref="Start"/>.</summary>
public sealed record PlannedVisit(DueVisit Visit, VisitContinuity Continuity, string NurseId, TimeOnly Start, ContinuityMatch Match)
{
    [JsonIgnore]
    public TimeOnly End => Start.AddMinutes(Visit.DurationMinutes);

    public override string ToString() => $"Planned visit {Visit.VisitId} with {NurseId} at {Start:HH:mm}";
}

/// <summary>A due visit nobody could take, with the reason. It stays on the plan for the team to decide.</summary>
public sealed record UnassignedVisit(DueVisit Visit, VisitContinuity Continuity, UnassignedReason Reason)
{
    [JsonIgnore]
    public string ReasonCode => UnassignedReasons.Code(Reason);

    public override string ToString() => $"Unassigned visit {Visit.VisitId} ({ReasonCode})";
}

/// <summary>
/// A nurse's day in the plan: the duty as rostered (role and skills as the team holds them, so a change can be checked
/// against the plan alone) and what is planned. Planned minutes are visits plus travel. The share of direct care is
/// visit minutes over planned minutes: the time at clients' homes out of the time the plan uses (the record measures
/// direct care inside a visit once it is done; a plan can only promise the visit).
/// </summary>
public sealed record NurseDay(
    string NurseId,
    NurseRole Role,
    ImmutableSortedSet<Skill> Skills,
    int DutyMinutes,
    TimeOnly From,
    TimeOnly To,
    int Visits,
    int VisitMinutes,
    int TravelMinutes)
{
    [JsonIgnore]
    public int PlannedMinutes => VisitMinutes + TravelMinutes;

    [JsonIgnore]
    public int MinutesLeft => DutyMinutes - PlannedMinutes;

    [JsonIgnore]
    public double? DirectCareShare => PlannedMinutes == 0 ? null : (double)VisitMinutes / PlannedMinutes;
}

/// <summary>A change the team made to the plan before the day started.</summary>
public sealed record PlanChange(string VisitId, string? FromNurseId, string ToNurseId, TimeOnly Start, string By, DateTimeOffset At);

/// <summary>
/// A team's plan for a day: every due visit either assigned (to a nurse on duty, with the skills, within their minutes,
/// inside its window, without overlapping their other visits or travel) or listed unassigned with the reason. Also the
/// nurses on duty with their planned minutes, rota nurses left out for leave, the changes the team made, and the review
/// of the night before when it was given.
/// </summary>
public sealed record DayPlan(
    string TeamId,
    DateOnly Day,
    int TravelMinutes,
    ImmutableList<NurseDay> Nurses,
    ImmutableList<string> OnLeave,
    ImmutableList<PlannedVisit> Assigned,
    ImmutableList<UnassignedVisit> Unassigned,
    ImmutableList<PlanChange> Changes,
    NightReview? LastNight)
{
    [JsonIgnore]
    public int DueVisits => Assigned.Count + Unassigned.Count;

    [JsonIgnore]
    public int AssignedToNamedNurse => Assigned.Count(v => v.Match == ContinuityMatch.NamedNurse);

    /// <summary>The continuity of the day: the share of assigned visits made by the client's named nurse.</summary>
    [JsonIgnore]
    public double? NamedNurseShare => Assigned.IsEmpty ? null : (double)AssignedToNamedNurse / Assigned.Count;

    /// <summary>Planned visit minutes over planned minutes (visits and travel) across the team.</summary>
    [JsonIgnore]
    public double? DirectCareShare
    {
        get
        {
            var planned = Nurses.Sum(n => n.PlannedMinutes);
            return planned == 0 ? null : (double)Nurses.Sum(n => n.VisitMinutes) / planned;
        }
    }

    public NurseDay? Nurse(string nurseId) => Nurses.Find(n => n.NurseId == nurseId);

    public PlannedVisit? AssignedVisit(string visitId) => Assigned.Find(v => v.Visit.VisitId == visitId);

    public UnassignedVisit? UnassignedVisit(string visitId) => Unassigned.Find(v => v.Visit.VisitId == visitId);

    /// <summary>A nurse's visits in the order of the day.</summary>
    public ImmutableList<PlannedVisit> VisitsOf(string nurseId) => Assigned.FindAll(v => v.NurseId == nurseId);

    /// <summary>
    /// The team gives a visit (assigned or not) to another nurse on duty, before the day starts. The change is checked
    /// like the planner's own choices (skills, minutes with travel, room in the window) and recorded. The nurse's other
    /// visits may move earlier within their windows to make room; nobody else's day changes.
    /// </summary>
    public DayPlan Reassign(string visitId, string nurseId, string by, DateTimeOffset at)
    {
        if (at.DateTime >= ServiceHours.DayStarts(Day))
            throw CareRuleException.Precondition("The day has started: its plan can no longer be changed.", "DAY_STARTED");
        var who = Text.Required(by, "Who changes the plan", 64);
        var planned = AssignedVisit(visitId);
        var unassigned = planned is null ? UnassignedVisit(visitId) : null;
        if (planned is null && unassigned is null) throw CareRuleException.NotFound("The day's plan has no such visit.");
        var (visit, continuity) = planned is not null ? (planned.Visit, planned.Continuity) : (unassigned!.Visit, unassigned.Continuity);
        if (planned?.NurseId == nurseId) return this;
        if (unassigned?.Reason == UnassignedReason.NotOnCaseload)
            throw CareRuleException.Precondition("The client is not on the team's caseload.", "NOT_ON_CASELOAD");

        var nurse = Nurse(nurseId)
            ?? throw CareRuleException.Precondition("The nurse is not on duty that day.", "NOT_ON_DUTY");
        if (!DayPlanner.CanProvide(nurse.Role, nurse.Skills, visit.Skills))
            throw CareRuleException.Precondition("The nurse does not hold every skill the visit needs.", "NO_SKILL");
        var lane = LaneOf(nurse);
        var job = new Job(visit, continuity);
        if (!lane.HasMinutesFor(job))
            throw CareRuleException.Precondition("The nurse has not enough minutes left that day for the visit and its travel.", "NO_HOURS_LEFT");
        var position = lane.FindPosition(job);
        if (position < 0)
            throw CareRuleException.Precondition("The nurse has no room for the visit inside its time window.", "NO_TIME_IN_WINDOW");
        lane.InsertAt(position, job);

        var others = Assigned.RemoveAll(v => v.NurseId == nurseId || v.Visit.VisitId == visitId);
        var theirs = lane.Sequence.Select(j => new PlannedVisit(j.Visit, j.Continuity, nurseId, ServiceHours.AtMinute(j.Start), j.Continuity.Match(nurseId)));
        var assigned = Order(others.AddRange(theirs));
        var change = new PlanChange(visitId, planned?.NurseId, nurseId, ServiceHours.AtMinute(job.Start), who, at);
        return this with
        {
            Assigned = assigned,
            Unassigned = unassigned is null ? Unassigned : Unassigned.Remove(unassigned),
            Nurses = Summarised(Nurses, assigned, TravelMinutes),
            Changes = Changes.Add(change),
        };
    }

    internal static ImmutableList<PlannedVisit> Order(IEnumerable<PlannedVisit> visits) =>
        [.. visits.OrderBy(v => v.NurseId, StringComparer.Ordinal).ThenBy(v => v.Start).ThenBy(v => v.Visit.VisitId, StringComparer.Ordinal)];

    internal static ImmutableList<NurseDay> Summarised(IEnumerable<NurseDay> nurses, ImmutableList<PlannedVisit> assigned, int travel) =>
        [.. nurses.Select(n =>
        {
            var theirs = assigned.FindAll(v => v.NurseId == n.NurseId);
            return n with { Visits = theirs.Count, VisitMinutes = theirs.Sum(v => v.Visit.DurationMinutes), TravelMinutes = theirs.Count * travel };
        })];

    private Lane LaneOf(NurseDay nurse)
    {
        var lane = new Lane(nurse.NurseId, nurse.Role, nurse.Skills, ServiceHours.MinuteOfDay(nurse.From),
            ServiceHours.MinuteOfDay(nurse.To), nurse.DutyMinutes, TravelMinutes);
        foreach (var visit in VisitsOf(nurse.NurseId)) lane.InsertAt(lane.Sequence.Count, new Job(visit.Visit, visit.Continuity));
        return lane;
    }

    public override string ToString() => $"Day plan {TeamId} {Day:yyyy-MM-dd}";
}
