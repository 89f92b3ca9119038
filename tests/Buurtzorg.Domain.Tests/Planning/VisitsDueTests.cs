using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Tests.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

public sealed class VisitsDueTests
{
    private static ImmutableList<DueVisit> DueOn(DateOnly day, params Intervention[] interventions) =>
        VisitsDue.For("c1", interventions, [], day);

    private static ImmutableList<DueVisit> DueOn(DateOnly day, Intervention intervention, params Visit[] visits) =>
        VisitsDue.For("c1", [intervention], visits, day);

    [Fact]
    public void A_daily_morning_intervention_is_one_visit_between_eight_and_twelve_every_day_from_its_start()
    {
        var dressing = Intervention("int-a", Daily(), TimeWindow.Morning, 30, skills: Skill.WoundCare);

        foreach (var day in Enumerable.Range(0, 10).Select(Monday.AddDays))
        {
            var visit = Assert.Single(DueOn(day, dressing));
            Assert.Equal((new TimeOnly(8, 0), new TimeOnly(12, 0)), (visit.WindowStart, visit.WindowEnd));
            Assert.Equal(30, visit.DurationMinutes);
            Assert.Equal([Skill.WoundCare], visit.Skills);
            Assert.Equal("int-a", Assert.Single(visit.Care).InterventionId);
        }
        Assert.Empty(DueOn(Monday.AddDays(-1), dressing));
    }

    [Fact]
    public void The_windows_have_fixed_hours_inside_the_service_day()
    {
        Assert.Equal((new TimeOnly(8, 0), new TimeOnly(20, 0)), ServiceHours.Of(TimeWindow.Any));
        Assert.Equal((new TimeOnly(8, 0), new TimeOnly(12, 0)), ServiceHours.Of(TimeWindow.Morning));
        Assert.Equal((new TimeOnly(11, 0), new TimeOnly(14, 0)), ServiceHours.Of(TimeWindow.Midday));
        Assert.Equal((new TimeOnly(13, 0), new TimeOnly(17, 0)), ServiceHours.Of(TimeWindow.Afternoon));
        Assert.Equal((new TimeOnly(17, 0), new TimeOnly(20, 0)), ServiceHours.Of(TimeWindow.Evening));
    }

    [Fact]
    public void Twice_daily_any_time_is_spread_over_the_morning_half_and_the_afternoon_half_of_the_day()
    {
        var insulin = Intervention("int-ins", Daily(2), TimeWindow.Any, 15, skills: [Skill.DiabetesCare, Skill.MedicinesAdministration]);

        var visits = DueOn(Tuesday, insulin);

        Assert.Equal(2, visits.Count);
        Assert.Equal((new TimeOnly(8, 0), new TimeOnly(14, 0)), (visits[0].WindowStart, visits[0].WindowEnd));
        Assert.Equal((new TimeOnly(14, 0), new TimeOnly(20, 0)), (visits[1].WindowStart, visits[1].WindowEnd));
        Assert.NotEqual(visits[0].VisitId, visits[1].VisitId);
    }

    [Fact]
    public void Three_times_a_week_started_on_a_monday_falls_on_monday_wednesday_and_friday_every_week()
    {
        var dressing = Intervention("int-a", Weekly(3), started: At(Monday, 7));

        var dueDays = Enumerable.Range(0, 14).Select(Monday.AddDays).Where(d => VisitsDue.TimesOn(dressing, d) > 0).Select(d => d.DayOfWeek);

        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday, DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday], dueDays);
    }

    [Fact]
    public void A_weekly_frequency_is_anchored_on_the_day_the_intervention_started()
    {
        var fromThursday = Intervention("int-a", Weekly(2), started: At(Monday.AddDays(3), 7));

        var dueDays = Enumerable.Range(0, 14).Select(Monday.AddDays).Where(d => VisitsDue.TimesOn(fromThursday, d) > 0).Select(d => d.DayOfWeek);

        Assert.Equal([DayOfWeek.Thursday, DayOfWeek.Sunday, DayOfWeek.Thursday, DayOfWeek.Sunday], dueDays);
    }

    [Fact]
    public void Above_seven_a_week_some_days_have_two_and_every_occurrence_is_counted()
    {
        var often = Intervention("int-a", Weekly(10), TimeWindow.Any);

        var perDay = Enumerable.Range(0, 7).Select(Monday.AddDays).Select(d => VisitsDue.TimesOn(often, d)).ToList();

        Assert.Equal(10, perDay.Sum());
        Assert.All(perDay, n => Assert.InRange(n, 1, 2));
    }

    [Fact]
    public void On_the_day_an_intervention_starts_only_what_is_still_ahead_is_due()
    {
        var startedAtOne = At(Monday, 13);
        var morning = Intervention("int-m", Daily(), TimeWindow.Morning, started: startedAtOne);
        var evening = Intervention("int-e", Daily(), TimeWindow.Evening, started: startedAtOne);

        Assert.Equal("int-e", Assert.Single(DueOn(Monday, morning, evening)).Care.Single().InterventionId);
        Assert.Equal(2, DueOn(Tuesday, morning, evening).Count);
    }

    [Fact]
    public void A_missed_weekly_visit_is_due_the_next_day_as_carried_over_and_not_when_a_visit_did_it()
    {
        var dressing = Intervention("int-a", Weekly(2), started: At(Monday, 7)); // Mondays and Thursdays

        var carried = Assert.Single(DueOn(Tuesday, dressing));
        Assert.True(carried.IsCarriedOver);
        Assert.Equal(Monday, carried.Care.Single().DueOn);
        Assert.Equal(DueOrigin.CarriedOver, carried.Care.Single().Origin);

        Assert.Empty(DueOn(Tuesday, dressing, Done("v1", At(Monday, 10), interventions: "int-a")));
        Assert.True(Assert.Single(DueOn(Tuesday, dressing, Done("v1", At(Monday, 10), interventions: "int-other"))).IsCarriedOver);
    }

    [Fact]
    public void A_missed_visit_carries_over_for_two_days_and_then_no_more()
    {
        var weekly = Intervention("int-a", Weekly(1), started: At(Monday, 7));

        Assert.True(Assert.Single(DueOn(Tuesday, weekly)).IsCarriedOver);
        Assert.True(Assert.Single(DueOn(Monday.AddDays(2), weekly)).IsCarriedOver);
        Assert.Empty(DueOn(Monday.AddDays(3), weekly));
        Assert.Empty(VisitsDue.For("c1", [weekly], [], Tuesday, carryOverDays: 0));
    }

    [Fact]
    public void A_carried_over_visit_done_the_next_day_is_not_carried_again()
    {
        var weekly = Intervention("int-a", Weekly(1), started: At(Monday, 7));

        Assert.Empty(DueOn(Monday.AddDays(2), weekly, Done("v1", At(Tuesday, 9), interventions: "int-a")));
    }

    [Fact]
    public void An_out_of_hours_visit_that_did_the_care_counts_as_done()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Evening, started: At(Monday, 7));

        Assert.Empty(DueOn(Tuesday, weekly, Done("v1", At(Monday, 21), outOfHours: true, interventions: "int-a")));
    }

    [Fact]
    public void A_daily_visit_missed_yesterday_is_not_given_twice_today()
    {
        var daily = Intervention("int-a", Daily(), started: At(Monday, 7));

        var today = Assert.Single(DueOn(Tuesday, daily));
        Assert.False(today.IsCarriedOver);
    }

    [Fact]
    public void Care_of_one_client_in_the_same_window_makes_one_visit_with_the_time_and_skills_of_both()
    {
        var dressing = Intervention("int-a", Daily(), TimeWindow.Morning, 30, skills: Skill.WoundCare);
        var washing = Intervention("int-b", Daily(), TimeWindow.Morning, 45, skills: Skill.PersonalCare);

        var visit = Assert.Single(DueOn(Monday, dressing, washing));

        Assert.Equal(75, visit.DurationMinutes);
        Assert.Equal([Skill.WoundCare, Skill.PersonalCare], visit.Skills);
        Assert.Equal(["int-a", "int-b"], visit.Care.Select(c => c.InterventionId));
    }

    [Fact]
    public void Care_that_does_not_fit_the_window_together_stays_in_separate_visits()
    {
        var long1 = Intervention("int-a", Daily(), TimeWindow.Evening, 120);
        var long2 = Intervention("int-b", Daily(), TimeWindow.Evening, 90);

        Assert.Equal(2, DueOn(Monday, long1, long2).Count);
    }

    [Fact]
    public void Care_due_any_time_joins_the_clients_first_visit_of_the_day()
    {
        var catheter = Intervention("int-any", Daily(), TimeWindow.Any, 20, skills: Skill.CatheterCare);
        var evening = Intervention("int-eve", Daily(), TimeWindow.Evening, 30, skills: Skill.PersonalCare);
        var morning = Intervention("int-mor", Daily(), TimeWindow.Morning, 30, skills: Skill.PersonalCare);

        var visits = DueOn(Monday, catheter, evening, morning);

        Assert.Equal(2, visits.Count);
        Assert.Equal(TimeWindow.Morning, visits[0].Window);
        Assert.Equal(["int-any", "int-mor"], visits[0].Care.Select(c => c.InterventionId).Order(StringComparer.Ordinal));
        Assert.Equal(50, visits[0].DurationMinutes);
        Assert.Equal(TimeWindow.Any, Assert.Single(DueOn(Monday, catheter)).Window);
    }

    [Fact]
    public void The_same_care_plan_gives_the_same_visit_ids_and_another_day_gives_others()
    {
        var dressing = Intervention("int-a", Daily());

        Assert.Equal(DueOn(Monday, dressing).Single().VisitId, DueOn(Monday, dressing).Single().VisitId);
        Assert.NotEqual(DueOn(Monday, dressing).Single().VisitId, DueOn(Tuesday, dressing).Single().VisitId);
        Assert.NotEqual(DueOn(Monday, dressing).Single().VisitId, VisitsDue.For("c2", [dressing], [], Monday).Single().VisitId);
        Assert.Matches("^visit-[0-9a-f]{16}$", DueOn(Monday, dressing).Single().VisitId);
    }

    [Fact]
    public void A_care_record_gives_its_active_interventions_visits_and_a_discharged_record_none()
    {
        // The story's dressing: three times a week in the morning from Monday 3 March 2025, 09:00.
        var record = RecordStory.WithCarePlan();
        var monday = RecordStory.MondayDate;

        Assert.Single(VisitsDue.For(record, monday));
        Assert.True(Assert.Single(VisitsDue.For(record, monday.AddDays(1))).IsCarriedOver);
        var visited = record.Then(RecordStory.Visit("visit-1", RecordStory.Nurse, RecordStory.Day(0, 10), interventionsDone: "int-dressing"));
        Assert.Empty(VisitsDue.For(visited, monday.AddDays(1)));
        Assert.Single(VisitsDue.For(visited, monday.AddDays(2)));

        var discharged = visited.Then(RecordStory.Discharge(at: RecordStory.Day(1)));
        Assert.Empty(VisitsDue.For(discharged, monday.AddDays(2)));
    }

    [Fact]
    public void Carry_over_is_limited_to_a_week()
    {
        var refusal = Assert.Throws<CareRuleException>(() => VisitsDue.For("c1", [], [], Monday, carryOverDays: 8));
        Assert.Equal(RuleViolation.InvalidArgument, refusal.Violation);
    }
}
