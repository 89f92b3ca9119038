using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>What every plan of the hundred generated team-days must satisfy, checked from the plan alone.</summary>
public sealed class PlanPropertyTests
{
    private static IReadOnlyList<(TeamDay Day, DayPlan Plan)> Planned => GeneratedDays.Planned;

    private static readonly string[] NoRoom = ["NO_HOURS_LEFT", "NO_TIME_IN_WINDOW"];

    private static int Minute(TimeOnly t) => (t.Hour * 60) + t.Minute;

    [Fact]
    public void Every_due_visit_is_assigned_once_or_listed_unassigned_with_a_reason()
    {
        foreach (var (day, plan) in Planned)
        {
            var planned = plan.Assigned.Select(v => v.Visit.VisitId).Concat(plan.Unassigned.Select(v => v.Visit.VisitId)).ToList();
            Assert.Equal(planned.Count, planned.Distinct().Count());
            Assert.Equal(day.Visits.Select(v => v.VisitId).Order(), planned.Order());
            Assert.All(plan.Unassigned, u => Assert.True(Enum.IsDefined(u.Reason), $"{day}: {u}"));
            Assert.All(plan.Unassigned, u => Assert.Matches("^[A-Z_]+$", u.ReasonCode));
        }
    }

    [Fact]
    public void No_nurse_is_planned_beyond_their_minutes_and_the_summary_adds_up()
    {
        foreach (var (day, plan) in Planned)
        {
            foreach (var nurse in plan.Nurses)
            {
                var theirs = plan.VisitsOf(nurse.NurseId);
                var minutes = theirs.Sum(v => v.Visit.DurationMinutes + plan.TravelMinutes);
                Assert.Equal(minutes, nurse.PlannedMinutes);
                Assert.True(minutes <= day.Rota.Of(nurse.NurseId)!.Minutes, $"{day}: {nurse.NurseId} planned {minutes} minutes");
            }
            Assert.All(plan.Assigned, v => Assert.NotNull(plan.Nurse(v.NurseId)));
        }
    }

    [Fact]
    public void No_visit_goes_to_a_nurse_lacking_a_skill_it_needs_and_registrant_skills_only_to_registrants()
    {
        foreach (var (day, plan) in Planned)
        {
            foreach (var visit in plan.Assigned)
            {
                var member = day.Team.Member(visit.NurseId)!;
                Assert.True(visit.Visit.Skills.IsSubsetOf(member.Skills), $"{day}: {visit}");
                if (member.Role == NurseRole.NursingAssistant)
                    Assert.DoesNotContain(visit.Visit.Skills, SkillCatalogue.NeedsRegistration);
            }
        }
    }

    [Fact]
    public void Every_visit_lies_in_its_window_and_its_nurses_duty_and_no_two_visits_or_their_travel_overlap()
    {
        foreach (var (day, plan) in Planned)
        {
            foreach (var visit in plan.Assigned)
            {
                Assert.True(visit.Start >= visit.Visit.WindowStart && visit.End <= visit.Visit.WindowEnd, $"{day}: {visit} outside its window");
                var duty = day.Rota.Of(visit.NurseId)!;
                Assert.True(Minute(visit.Start) - plan.TravelMinutes >= Minute(duty.From) && visit.End <= duty.To, $"{day}: {visit} outside the duty");
            }
            foreach (var nurse in plan.Nurses)
            {
                var theirs = plan.VisitsOf(nurse.NurseId).OrderBy(v => v.Start).ToList();
                for (var i = 1; i < theirs.Count; i++)
                    Assert.True(Minute(theirs[i].Start) - plan.TravelMinutes >= Minute(theirs[i - 1].End), $"{day}: {theirs[i - 1]} and {theirs[i]} overlap");
            }
        }
    }

    [Fact]
    public void Nobody_on_leave_is_planned_even_when_the_rota_still_lists_them()
    {
        var rotaListedSomeoneOnLeave = false;
        foreach (var (day, plan) in Planned)
        {
            var onLeave = day.Team.Members.Where(m => m.IsOnLeave(day.Day)).Select(m => m.NurseId).ToHashSet();
            rotaListedSomeoneOnLeave |= day.Rota.Duties.Exists(d => onLeave.Contains(d.NurseId));
            Assert.DoesNotContain(plan.Assigned, v => onLeave.Contains(v.NurseId));
            Assert.DoesNotContain(plan.Nurses, n => onLeave.Contains(n.NurseId));
            Assert.Equal(day.Rota.Duties.Where(d => onLeave.Contains(d.NurseId)).Select(d => d.NurseId).Order(), plan.OnLeave.Order());
        }
        Assert.True(rotaListedSomeoneOnLeave, "the generated days should test a rota that lists a nurse on leave");
    }

    /// <summary>
    /// The guarantee, stated exactly (see <see cref="DayPlanner"/>): when a visit is not with its client's named nurse and
    /// that nurse is on duty with every skill it needs, the named nurse's day as planned has no room for it. Checked two
    /// ways: independently, the named nurse has too few minutes left for the visit and its travel, or no free gap in
    /// their day (between duty start, their visits with travel, and duty end) holds travel and visit inside its window;
    /// and through the API, the team's reassignment to the named nurse (which may also shift their visits in time) is
    /// refused for want of minutes or window room.
    /// </summary>
    [Fact]
    public void The_named_nurse_gets_their_clients_visit_whenever_their_day_as_planned_has_minutes_skills_and_window_room_for_it()
    {
        var checkedVisits = 0;
        foreach (var (day, plan) in Planned)
        {
            var notWithNamed = plan.Assigned.Where(v => v.Match != ContinuityMatch.NamedNurse).Select(v => v.Visit)
                .Concat(plan.Unassigned.Where(u => u.Reason != UnassignedReason.NotOnCaseload).Select(u => u.Visit));
            foreach (var visit in notWithNamed)
            {
                var namedId = day.Team.CaseloadOf(visit.ClientId)!.NamedNurseId;
                if (plan.Nurse(namedId) is not { } named || !DayPlanner.CanProvide(named.Role, named.Skills, visit.Skills)) continue;
                checkedVisits++;
                Assert.False(HasRoom(plan, named, visit), $"{day}: {visit} fits its named nurse's day");
                var at = new DateTimeOffset(day.Day.AddDays(-1).ToDateTime(new TimeOnly(18, 0)), TimeSpan.Zero);
                var refusal = Assert.Throws<CareRuleException>(() => plan.Reassign(visit.VisitId, namedId, "n01", at));
                Assert.Contains(refusal.Reason, NoRoom);
            }
        }
        Assert.True(checkedVisits > 100, $"only {checkedVisits} visits exercised the guarantee");
    }

    /// <summary>Minutes left, and a gap in the nurse's day (between duty start, their visits and duty end) for travel and visit inside the window.</summary>
    private static bool HasRoom(DayPlan plan, NurseDay nurse, DueVisit visit)
    {
        if (nurse.MinutesLeft < visit.DurationMinutes + plan.TravelMinutes) return false;
        var busy = plan.VisitsOf(nurse.NurseId).OrderBy(v => v.Start).Select(v => (From: Minute(v.Start) - plan.TravelMinutes, To: Minute(v.End))).ToList();
        var gapStart = Minute(nurse.From);
        foreach (var (from, to) in busy.Append((Minute(nurse.To) + plan.TravelMinutes, 0)))
        {
            var gapEnd = from;
            var start = Math.Max(Minute(visit.WindowStart), gapStart + plan.TravelMinutes);
            var end = start + visit.DurationMinutes;
            if (end <= Math.Min(Minute(visit.WindowEnd), Math.Min(gapEnd, Minute(nurse.To)))) return true;
            gapStart = Math.Max(gapStart, to);
        }
        return false;
    }

    [Fact]
    public void The_same_day_planned_twice_gives_the_same_plan()
    {
        foreach (var (day, plan) in Planned.Take(20))
        {
            var again = DayPlanner.Plan(day.Team, day.Rota, day.Visits, day.Recent);
            Assert.Equal(Describe(plan), Describe(again));
        }
    }

    [Fact]
    public void The_plan_does_not_depend_on_the_order_the_visits_and_rota_come_in()
    {
        foreach (var (day, plan) in Planned.Take(20))
        {
            var shuffled = DayPlanner.Plan(day.Team, DutyRota.Create(day.Day, day.Rota.Duties.Reverse()), day.Visits.Reverse(), day.Recent.Reverse());
            Assert.Equal(Describe(plan), Describe(shuffled));
        }
    }

    private static string Describe(DayPlan plan) =>
        string.Join("\n", plan.Assigned.Select(v => $"{v.Visit.VisitId} {v.NurseId} {v.Start} {v.Match}")
            .Concat(plan.Unassigned.Select(u => $"{u.Visit.VisitId} {u.ReasonCode}")));
}
