using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>The team changes the plan at its review, before the day starts; every change is checked and recorded.</summary>
public sealed class ReassignTests
{
    private static readonly Skill[] Wound = [Skill.WoundCare];

    private static DayPlan MondayPlan()
    {
        var team = TeamOf([Nurse("anna", Wound), Nurse("bea", Wound), Assistant("ali"), Nurse("cem", Wound).OnLeave(Monday, Monday)],
            Client("c1", "anna", "bea"), Client("c2", "anna", "bea"), Client("c3", "bea", "anna"));
        var rota = Rota(Monday, Duty.AllDay("anna", 450), Duty.AllDay("bea", 100), Duty.AllDay("ali", 450), Duty.AllDay("cem", 450));
        return Plan(team, rota, [Due("v1", "c1", skills: Wound), Due("v2", "c2", minutes: 60, skills: Skill.PersonalCare), Due("v3", "c3", skills: Wound)]);
    }

    [Fact]
    public void The_team_moves_a_visit_to_another_able_nurse_and_the_change_is_recorded()
    {
        var plan = MondayPlan();
        Assert.Equal("anna", plan.AssignedVisit("v2")!.NurseId);

        var changed = plan.Reassign("v2", "ali", "bea", SundayEvening);

        var moved = changed.AssignedVisit("v2")!;
        Assert.Equal(("ali", ContinuityMatch.OtherNurse), (moved.NurseId, moved.Match));
        var change = Assert.Single(changed.Changes);
        Assert.Equal(new PlanChange("v2", "anna", "ali", moved.Start, "bea", SundayEvening), change);
        Assert.Equal(70, changed.Nurse("ali")!.PlannedMinutes);
        Assert.Equal(plan.Nurse("anna")!.PlannedMinutes - 70, changed.Nurse("anna")!.PlannedMinutes);
        Assert.Equal(2.0 / 3, changed.NamedNurseShare);
        Assert.Empty(plan.Changes); // the plan it came from is unchanged
    }

    [Fact]
    public void Moving_a_visit_to_the_nurse_it_is_with_changes_nothing()
    {
        var plan = MondayPlan();

        Assert.Same(plan, plan.Reassign("v1", "anna", "bea", SundayEvening));
    }

    [Fact]
    public void Once_the_day_has_started_the_plan_no_longer_changes()
    {
        var plan = MondayPlan();

        var refusal = Assert.Throws<CareRuleException>(() => plan.Reassign("v2", "ali", "bea", At(Monday, 8)));

        Assert.Equal((RuleViolation.FailedPrecondition, "DAY_STARTED"), (refusal.Violation, refusal.Reason));
        Assert.NotNull(plan.Reassign("v2", "ali", "bea", At(Monday, 7, 59)));
    }

    [Fact]
    public void A_nurse_without_the_skill_or_not_on_duty_or_on_leave_is_refused()
    {
        var plan = MondayPlan();

        Assert.Equal("NO_SKILL", Assert.Throws<CareRuleException>(() => plan.Reassign("v1", "ali", "bea", SundayEvening)).Reason);
        Assert.Equal("NOT_ON_DUTY", Assert.Throws<CareRuleException>(() => plan.Reassign("v1", "cem", "bea", SundayEvening)).Reason);
        Assert.Equal("NOT_ON_DUTY", Assert.Throws<CareRuleException>(() => plan.Reassign("v1", "zoe", "bea", SundayEvening)).Reason);
        Assert.Equal(RuleViolation.NotFound, Assert.Throws<CareRuleException>(() => plan.Reassign("v9", "anna", "bea", SundayEvening)).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => plan.Reassign("v1", "bea", " ", SundayEvening)).Violation);
    }

    [Fact]
    public void A_nurse_without_the_minutes_or_without_room_in_the_window_is_refused()
    {
        var plan = MondayPlan();

        // Bea has 100 minutes and 40 planned: the hour-long wash and its travel do not fit.
        Assert.Equal("NO_HOURS_LEFT", Assert.Throws<CareRuleException>(() => plan.Reassign("v2", "bea", "anna", SundayEvening)).Reason);

        var team = TeamOf([Nurse("anna"), Nurse("bea")], Client("c1", "anna"), Client("c2", "bea"));
        var crowded = Plan(team, AllOnDuty(team), [Due("e1", "c1", TimeWindow.Evening, 150), Due("e2", "c2", TimeWindow.Evening, 60)]);
        Assert.Equal("NO_TIME_IN_WINDOW", Assert.Throws<CareRuleException>(() => crowded.Reassign("e2", "anna", "bea", SundayEvening)).Reason);
    }

    [Fact]
    public void The_receiving_nurses_visits_move_within_their_windows_to_make_room_and_nobody_elses_day_changes()
    {
        var team = TeamOf([Nurse("anna"), Nurse("bea")], Client("c1", "anna"), Client("c2", "bea"), Client("c3", "bea"));
        var plan = Plan(team, AllOnDuty(team), [Due("any", "c1", TimeWindow.Any, 60), Due("m1", "c2", minutes: 100), Due("m2", "c3", minutes: 90)]);
        Assert.Equal(new TimeOnly(8, 10), plan.AssignedVisit("any")!.Start);

        var changed = plan.Reassign("m1", "anna", "bea", SundayEvening);

        Assert.Equal(new TimeOnly(8, 10), changed.AssignedVisit("m1")!.Start);
        Assert.Equal(new TimeOnly(10, 0), changed.AssignedVisit("any")!.Start);
        Assert.Equal(plan.AssignedVisit("m2")!.Start, changed.AssignedVisit("m2")!.Start);
        Assert.Equal(changed.AssignedVisit("m1")!.Start, Assert.Single(changed.Changes).Start);
    }

    [Fact]
    public void An_unassigned_visit_can_be_given_to_a_nurse_who_has_room_after_all()
    {
        var team = TeamOf([Nurse("anna")], Client("c1", "anna"));
        var plan = Plan(team, Rota(Monday, Duty.AllDay("anna", 30)), [Due("v1", "c1", minutes: 30)]);
        Assert.Equal("NO_HOURS_LEFT", Assert.Single(plan.Unassigned).ReasonCode);
        // The team agrees Anna works longer: the plan's duty is what the change is checked against.
        var longer = plan with { Nurses = [plan.Nurse("anna")! with { DutyMinutes = 60 }] };

        var changed = longer.Reassign("v1", "anna", "anna", SundayEvening);

        Assert.Empty(changed.Unassigned);
        Assert.Equal(("anna", ContinuityMatch.NamedNurse), (changed.Assigned[0].NurseId, changed.Assigned[0].Match));
        Assert.Null(Assert.Single(changed.Changes).FromNurseId);
    }
}
