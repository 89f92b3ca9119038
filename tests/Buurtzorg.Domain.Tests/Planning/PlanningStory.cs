using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>A small team in Bow and its clients, as the planning stories need them.</summary>
internal static class PlanningStory
{
    /// <summary>Monday 2 March 2026.</summary>
    public static readonly DateOnly Monday = new(2026, 3, 2);

    public static readonly DateOnly Tuesday = Monday.AddDays(1);

    /// <summary>The evening before Monday, when the team looks at the plan.</summary>
    public static readonly DateTimeOffset SundayEvening = At(Monday.AddDays(-1), 18);

    public static DateTimeOffset At(DateOnly day, int hour, int minute = 0) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    public static TeamMember Nurse(string id, params Skill[] skills) => Member(id, NurseRole.RegisteredNurse, skills);

    public static TeamMember Assistant(string id, params Skill[] skills) => Member(id, NurseRole.NursingAssistant, skills);

    public static TeamMember Member(string id, NurseRole role, Skill[] skills, decimal hours = 37.5m) =>
        new(id, $"Nurse {id}", role, hours, [.. skills.Append(Skill.PersonalCare)], At(Monday.AddDays(-100), 9), []);

    public static TeamMember OnLeave(this TeamMember member, DateOnly from, DateOnly to) =>
        member with { Leave = member.Leave.Add(new LeavePeriod(from, to, "Annual leave")) };

    public static CaseloadEntry Client(string clientId, string named, string? backup = null) =>
        new(clientId, $"ref-{clientId}", named, backup, [Skill.WoundCare], At(Monday.AddDays(-30), 9));

    public static Team TeamOf(IEnumerable<TeamMember> members, params CaseloadEntry[] caseload)
    {
        var team = Team.Apply("team-bow", "Bow East", [PostcodeArea.Parse("E3")], [], null, At(Monday.AddDays(-100), 9)).Approve();
        team = members.Aggregate(team, (t, m) => t.Join(m));
        return team with { Caseload = [.. caseload] };
    }

    /// <summary>Everyone not on leave, all day, for 450 minutes.</summary>
    public static DutyRota AllOnDuty(Team team, DateOnly? day = null) => DutyRota.Default(team, day ?? Monday);

    public static DutyRota Rota(DateOnly day, params Duty[] duties) => DutyRota.Create(day, duties);

    public static DueVisit Due(string visitId, string clientId, TimeWindow window = TimeWindow.Morning, int minutes = 30, DateOnly? day = null, params Skill[] skills)
    {
        var (from, to) = ServiceHours.Of(window);
        var on = day ?? Monday;
        return new(visitId, clientId, on, window, from, to, minutes, [.. skills], [new(DueOrigin.Scheduled, $"int-{visitId}", null, on, minutes)]);
    }

    public static DayPlan Plan(Team team, DutyRota rota, IEnumerable<DueVisit> visits, IEnumerable<RecentVisit>? recent = null) =>
        DayPlanner.Plan(team, rota, visits, recent ?? []);

    public static Intervention Intervention(
        string id, VisitFrequency frequency, TimeWindow window = TimeWindow.Morning, int minutes = 30, DateTimeOffset? started = null,
        params Skill[] skills) =>
        new(id, "prob-1", InterventionCategory.TreatmentsProcedures, "care", null, CareType.Nursing, frequency, window, minutes,
            skills.Length == 0 ? [Skill.WoundCare] : [.. skills], started ?? At(Monday, 7));

    public static Visit Done(string visitId, DateTimeOffset start, bool outOfHours = false, params string[] interventions) =>
        new(visitId, "ep-1", "n1", start, 30, 25, [.. interventions], null, outOfHours, $"e-{visitId}");

    public static VisitFrequency Daily(int times = 1) => new(times, FrequencyPeriod.Day);

    public static VisitFrequency Weekly(int times) => new(times, FrequencyPeriod.Week);

    public static ImmutableSortedSet<Skill> Skills(params Skill[] skills) => [.. skills];
}
