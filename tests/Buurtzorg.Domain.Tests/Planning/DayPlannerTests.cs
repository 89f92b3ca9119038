using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

public sealed class DayPlannerTests
{
    [Fact]
    public void Each_client_is_visited_by_their_named_nurse_when_she_is_on_duty()
    {
        var team = TeamOf([Nurse("anna"), Nurse("bea"), Nurse("cem")],
            Client("c1", "anna", "bea"), Client("c2", "bea", "cem"), Client("c3", "cem", "anna"));

        var plan = Plan(team, AllOnDuty(team), [Due("v1", "c1"), Due("v2", "c2"), Due("v3", "c3"), Due("v4", "c1", TimeWindow.Evening)]);

        Assert.Empty(plan.Unassigned);
        Assert.All(plan.Assigned, v => Assert.Equal(ContinuityMatch.NamedNurse, v.Match));
        Assert.Equal(["v1", "v4"], plan.VisitsOf("anna").Select(v => v.Visit.VisitId));
        Assert.Equal(1.0, plan.NamedNurseShare);
    }

    [Fact]
    public void With_the_named_nurse_on_leave_the_backup_goes_and_the_nurse_on_leave_gets_nothing()
    {
        var team = TeamOf([Nurse("anna").OnLeave(Monday, Monday.AddDays(6)), Nurse("bea"), Nurse("cem")], Client("c1", "anna", "bea"));
        var rota = Rota(Monday, Duty.AllDay("anna", 450), Duty.AllDay("bea", 450), Duty.AllDay("cem", 450)); // drafted before the leave

        var plan = Plan(team, rota, [Due("v1", "c1")]);

        var visit = Assert.Single(plan.Assigned);
        Assert.Equal(("bea", ContinuityMatch.BackupNurse), (visit.NurseId, visit.Match));
        Assert.Equal(["anna"], plan.OnLeave);
        Assert.Null(plan.Nurse("anna"));
        Assert.Empty(plan.VisitsOf("anna"));
        Assert.Equal(0.0, plan.NamedNurseShare);
    }

    [Fact]
    public void Without_named_nurse_and_backup_a_nurse_who_visited_recently_is_preferred_over_one_who_never_came()
    {
        var team = TeamOf([Nurse("anna"), Nurse("bea"), Nurse("cem"), Nurse("dee")], Client("c1", "anna", "bea"));
        var rota = Rota(Monday, Duty.AllDay("cem", 450), Duty.AllDay("dee", 450));
        RecentVisit[] recent = [new("c1", "dee", Monday.AddDays(-3)), new("c1", "dee", Monday.AddDays(-5)), new("c1", "cem", Monday.AddDays(-30))];

        var plan = Plan(team, rota, [Due("v1", "c1")], recent);

        var visit = Assert.Single(plan.Assigned);
        Assert.Equal(("dee", ContinuityMatch.RecentVisitor), (visit.NurseId, visit.Match));
        Assert.Equal(["dee"], visit.Continuity.RecentNurseIds); // cem's visit is older than two weeks
    }

    [Fact]
    public void A_visit_goes_only_to_a_nurse_with_every_skill_it_needs()
    {
        var team = TeamOf([Nurse("anna", Skill.WoundCare), Nurse("bea", Skill.WoundCare, Skill.PalliativeCare)], Client("c1", "anna"));

        var plan = Plan(team, AllOnDuty(team), [Due("v1", "c1", skills: [Skill.WoundCare, Skill.PalliativeCare])]);

        Assert.Equal("bea", Assert.Single(plan.Assigned).NurseId);
    }

    [Fact]
    public void Medicines_go_to_a_registrant_even_when_an_assistant_is_the_named_nurse_and_lists_the_skill()
    {
        var team = TeamOf([Assistant("ali", Skill.MedicinesAdministration), Nurse("bea", Skill.MedicinesAdministration)], Client("c1", "ali", "bea"));

        var plan = Plan(team, AllOnDuty(team), [Due("v1", "c1", skills: Skill.MedicinesAdministration), Due("v2", "c1", TimeWindow.Evening, skills: Skill.PersonalCare)]);

        Assert.Equal("bea", plan.AssignedVisit("v1")!.NurseId);
        Assert.Equal("ali", plan.AssignedVisit("v2")!.NurseId);
        Assert.False(DayPlanner.CanProvide(NurseRole.NursingAssistant, Skills(Skill.MedicinesAdministration), [Skill.MedicinesAdministration]));
        Assert.True(DayPlanner.CanProvide(NurseRole.DistrictNurse, Skills(Skill.Venepuncture), [Skill.Venepuncture]));
    }

    [Fact]
    public void Visits_start_after_the_travel_allowance_and_never_overlap_and_the_minutes_count_travel()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"), Client("c2", "anna"), Client("c3", "anna"));

        var plan = Plan(team, AllOnDuty(team), [Due("v1", "c1", minutes: 30), Due("v2", "c2", minutes: 45), Due("v3", "c3", minutes: 20)]);

        var day = plan.VisitsOf("anna");
        Assert.Equal(new TimeOnly(8, 10), day[0].Start);
        Assert.Equal(day[0].End.AddMinutes(10), day[1].Start);
        Assert.Equal(day[1].End.AddMinutes(10), day[2].Start);
        var anna = plan.Nurse("anna")!;
        Assert.Equal((95, 30, 125, 450 - 125), (anna.VisitMinutes, anna.TravelMinutes, anna.PlannedMinutes, anna.MinutesLeft));
        Assert.Equal(95.0 / 125, anna.DirectCareShare);
    }

    [Fact]
    public void A_visit_that_may_come_any_time_leaves_the_morning_to_visits_that_must_be_in_the_morning()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"), Client("c2", "anna"), Client("c3", "anna"));
        var rota = Rota(Monday, Duty.AllDay("anna", 450));

        var plan = Plan(team, rota, [Due("any", "c1", TimeWindow.Any, 60), Due("m1", "c2", minutes: 100), Due("m2", "c3", minutes: 100)]);

        Assert.Empty(plan.Unassigned);
        Assert.True(plan.AssignedVisit("any")!.Start > plan.AssignedVisit("m1")!.End);
        Assert.True(plan.AssignedVisit("any")!.Start > plan.AssignedVisit("m2")!.End);
    }

    [Fact]
    public void A_specialist_keeps_room_for_what_only_she_can_do_even_against_her_own_named_client()
    {
        // Anna alone does palliative care and has time for one morning visit; her named client's wash can go to Ali.
        var team = TeamOf([Nurse("anna", Skill.PalliativeCare), Nurse("bea"), Assistant("ali")],
            Client("c1", "anna", "bea"), Client("c2", "bea", "anna"));
        var rota = Rota(Monday, Duty.AllDay("anna", 60), Duty.AllDay("ali", 450));

        var plan = Plan(team, rota, [Due("wash", "c1", minutes: 45, skills: Skill.PersonalCare), Due("pall", "c2", minutes: 45, skills: Skill.PalliativeCare)]);

        Assert.Empty(plan.Unassigned);
        Assert.Equal("anna", plan.AssignedVisit("pall")!.NurseId);
        Assert.Equal("ali", plan.AssignedVisit("wash")!.NurseId);
    }

    [Fact]
    public void When_the_named_nurse_has_room_she_gets_the_visit_even_if_another_nurse_has_more_time()
    {
        var team = TeamOf([Nurse("anna"), Nurse("bea")], Client("c1", "anna", "bea"));
        var rota = Rota(Monday, Duty.AllDay("anna", 40), Duty.AllDay("bea", 450));

        var plan = Plan(team, rota, [Due("v1", "c1", minutes: 30)]);

        Assert.Equal("anna", Assert.Single(plan.Assigned).NurseId);
    }

    [Fact]
    public void A_visit_nobody_on_duty_has_the_skills_for_is_listed_unassigned_with_that_reason()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));

        var plan = Plan(team, AllOnDuty(team), [Due("v1", "c1", skills: Skill.StomaCare)]);

        var left = Assert.Single(plan.Unassigned);
        Assert.Equal((UnassignedReason.NoSkillOnDuty, "NO_SKILL_ON_DUTY"), (left.Reason, left.ReasonCode));
        Assert.Empty(plan.Assigned);
    }

    [Fact]
    public void Visits_beyond_everyones_minutes_are_listed_as_no_hours_left()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"), Client("c2", "anna"));
        var rota = Rota(Monday, Duty.AllDay("anna", 60));

        var plan = Plan(team, rota, [Due("v1", "c1", TimeWindow.Any, 40), Due("v2", "c2", TimeWindow.Any, 40)]);

        Assert.Single(plan.Assigned);
        Assert.Equal("NO_HOURS_LEFT", Assert.Single(plan.Unassigned).ReasonCode);
        Assert.True(plan.Nurse("anna")!.PlannedMinutes <= 60);
    }

    [Fact]
    public void Visits_that_do_not_fit_a_crowded_window_are_listed_as_no_time_in_window()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"), Client("c2", "anna"), Client("c3", "anna"), Client("c4", "anna"));

        // The evening is 180 minutes; four 40-minute visits with travel need 200.
        var plan = Plan(team, AllOnDuty(team), Enumerable.Range(1, 4).Select(i => Due($"v{i}", $"c{i}", TimeWindow.Evening, 40)));

        Assert.Equal(3, plan.Assigned.Count);
        Assert.Equal("NO_TIME_IN_WINDOW", Assert.Single(plan.Unassigned).ReasonCode);
    }

    [Fact]
    public void With_nobody_on_duty_every_visit_is_listed_and_a_visit_for_a_client_off_the_caseload_too()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));

        var empty = Plan(team, Rota(Monday), [Due("v1", "c1")]);
        var stranger = Plan(team, AllOnDuty(team), [Due("v9", "c9")]);

        Assert.Equal("NO_NURSE_ON_DUTY", Assert.Single(empty.Unassigned).ReasonCode);
        Assert.Equal("NOT_ON_CASELOAD", Assert.Single(stranger.Unassigned).ReasonCode);
    }

    [Fact]
    public void A_half_day_duty_is_respected()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"), Client("c2", "anna"));
        var rota = Rota(Monday, new Duty("anna", 240, new(8, 0), new(13, 0)));

        var plan = Plan(team, rota, [Due("v1", "c1", TimeWindow.Morning), Due("v2", "c2", TimeWindow.Afternoon)]);

        Assert.Equal("anna", plan.AssignedVisit("v1")!.NurseId);
        Assert.Equal("NO_TIME_IN_WINDOW", plan.UnassignedVisit("v2")!.ReasonCode);
    }

    [Fact]
    public void The_default_rota_is_every_member_not_on_leave_for_contracted_hours_over_five_days()
    {
        var team = TeamOf([Nurse("anna"), Member("bea", NurseRole.RegisteredNurse, [], hours: 20m), Nurse("cem").OnLeave(Monday, Monday)]);

        var rota = DutyRota.Default(team, Monday);

        Assert.Equal(["anna", "bea"], rota.Duties.Select(d => d.NurseId));
        Assert.Equal([450, 240], rota.Duties.Select(d => d.Minutes));
        Assert.All(rota.Duties, d => Assert.Equal((ServiceHours.Opens, ServiceHours.Closes), (d.From, d.To)));
        Assert.Equal(3, DutyRota.Default(team, Tuesday).Duties.Count);
    }

    [Fact]
    public void A_rota_naming_someone_outside_the_team_or_a_nurse_twice_or_a_duty_outside_service_hours_is_refused()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));

        Assert.Equal("NOT_A_MEMBER", Assert.Throws<CareRuleException>(() => Plan(team, Rota(Monday, Duty.AllDay("zoe", 100)), [])).Reason);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Rota(Monday, Duty.AllDay("anna", 100), Duty.AllDay("anna", 100))).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Rota(Monday, new Duty("anna", 100, new(7, 0), new(12, 0)))).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Rota(Monday, new Duty("anna", 400, new(8, 0), new(12, 0)))).Violation);
    }

    [Fact]
    public void Visits_due_on_another_day_or_planning_options_out_of_range_are_refused()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));

        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Plan(team, AllOnDuty(team), [Due("v1", "c1", day: Tuesday)])).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() =>
            DayPlanner.Plan(team, AllOnDuty(team), [], [], options: new PlanningOptions(TravelMinutes: 90))).Violation);
    }

    [Fact]
    public void The_travel_allowance_is_an_option()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));

        var plan = DayPlanner.Plan(team, AllOnDuty(team), [Due("v1", "c1")], [], options: new PlanningOptions(TravelMinutes: 15));

        Assert.Equal(new TimeOnly(8, 15), Assert.Single(plan.Assigned).Start);
        Assert.Equal(45, plan.Nurse("anna")!.PlannedMinutes);
    }

    [Fact]
    public void The_visits_due_from_care_records_flow_into_a_plan()
    {
        var team = TeamOf([Nurse("anna", Skill.WoundCare), Nurse("bea", Skill.WoundCare)], Client("c1", "anna", "bea"));
        var interventions = new[] { Intervention("int-a", Daily(2), TimeWindow.Any, 20), Intervention("int-b", Weekly(3), TimeWindow.Morning, 30) };

        var due = VisitsDue.For("c1", interventions, [], Monday, SundayEvening);
        var plan = Plan(team, AllOnDuty(team), due);

        Assert.Equal(3, plan.Assigned.Count); // insulin-like twice daily in two halves of the day, and the morning dressing
        Assert.All(plan.Assigned, v => Assert.Equal("anna", v.NurseId));
    }
}
