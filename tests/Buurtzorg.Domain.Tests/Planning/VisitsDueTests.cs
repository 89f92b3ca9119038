using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Tests.OnCall;
using Buurtzorg.Domain.Tests.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

public sealed class VisitsDueTests
{
    /// <summary>The morning review: 07:00, after yesterday's windows closed and before today's open.</summary>
    private static DateTimeOffset ReviewOf(DateOnly day) => At(day, 7);

    private static ImmutableList<DueVisit> DueOn(DateOnly day, params Intervention[] interventions) =>
        VisitsDue.For("c1", interventions, [], day, ReviewOf(day));

    private static ImmutableList<DueVisit> DueOn(DateOnly day, Intervention intervention, params Visit[] visits) =>
        VisitsDue.For("c1", [intervention], visits, day, ReviewOf(day));

    private static ImmutableList<DueVisit> DueAsSeenAt(DateTimeOffset now, DateOnly day, Intervention intervention) =>
        VisitsDue.For("c1", [intervention], [], day, now);

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
    public void A_missed_weekly_visit_is_carried_over_to_the_next_day_only()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Afternoon, started: At(Monday, 7));

        Assert.True(Assert.Single(DueOn(Tuesday, weekly)).IsCarriedOver);
        Assert.Empty(DueOn(Monday.AddDays(2), weekly));
        Assert.Empty(DueOn(Monday.AddDays(3), weekly));
        Assert.False(Assert.Single(DueOn(Monday.AddDays(7), weekly)).IsCarriedOver);
    }

    [Fact]
    public void A_once_a_week_afternoon_visit_nobody_records_is_listed_on_two_days_of_the_week_and_no_more()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Afternoon, started: At(Monday, 7));

        var listed = Enumerable.Range(0, 7).Select(Monday.AddDays).Where(d => DueOn(d, weekly).Count > 0);

        Assert.Equal([Monday, Tuesday], listed);
    }

    [Fact]
    public void Three_times_a_week_done_on_its_days_is_listed_on_those_three_days_only()
    {
        var dressing = Intervention("int-a", Weekly(3), started: At(Monday, 7)); // Monday, Wednesday, Friday
        var done = Enumerable.Range(0, 3)
            .Select(i => Done($"v{i}", At(Monday.AddDays(2 * i), 10), interventions: "int-a")).ToArray();

        var listed = Enumerable.Range(0, 7).Select(Monday.AddDays)
            .Where(d => VisitsDue.For("c1", [dressing], done, d, ReviewOf(d)).Count > 0).Select(d => d.DayOfWeek);

        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday], listed);
    }

    [Fact]
    public void A_visit_whose_window_is_still_open_is_not_carried_over_to_tomorrow()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Afternoon, started: At(Monday, 7)); // Mondays 13–17

        Assert.Empty(DueAsSeenAt(At(Monday, 10), Tuesday, weekly));
        Assert.Empty(DueAsSeenAt(At(Monday, 16, 59), Tuesday, weekly));
        Assert.True(Assert.Single(DueAsSeenAt(At(Monday, 17), Tuesday, weekly)).IsCarriedOver);
    }

    [Fact]
    public void Listing_today_while_its_window_is_open_shows_todays_visit_as_scheduled_and_nothing_carried()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Afternoon, started: At(Monday, 7));

        var today = Assert.Single(DueAsSeenAt(At(Monday, 15), Monday, weekly));

        Assert.Equal(DueOrigin.Scheduled, Assert.Single(today.Care).Origin);
    }

    [Fact]
    public void A_day_listed_in_advance_carries_nothing_over_from_days_still_ahead()
    {
        var weekly = Intervention("int-a", Weekly(1), TimeWindow.Afternoon, started: At(Monday, 7));

        Assert.Empty(DueAsSeenAt(SundayEvening, Tuesday, weekly));
    }

    [Fact]
    public void A_carried_over_visit_missed_again_is_not_carried_further_and_one_done_is_not_carried_either()
    {
        var weekly = Intervention("int-a", Weekly(1), started: At(Monday, 7));

        Assert.Empty(DueOn(Monday.AddDays(2), weekly));
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
    public void Many_small_interventions_in_one_window_make_several_visits_of_at_most_ninety_minutes()
    {
        var care = Enumerable.Range(1, 7).Select(i => Intervention($"int-{i}", Daily(), TimeWindow.Morning)).ToArray();

        var visits = DueOn(Monday, care);

        Assert.Equal([90, 90, 30], visits.Select(v => v.DurationMinutes).OrderDescending());
        Assert.Equal(7, visits.Sum(v => v.Care.Count));
        Assert.All(visits, v => Assert.True(v.DurationMinutes <= VisitsDue.MaxCombinedMinutes));
    }

    [Fact]
    public void Care_longer_than_the_limit_is_a_visit_of_its_own_and_nothing_joins_it()
    {
        var bath = Intervention("int-a", Daily(), TimeWindow.Morning, 120);
        var drops = Intervention("int-b", Daily(), TimeWindow.Morning, 10);

        var visits = DueOn(Monday, bath, drops);

        Assert.Equal([(120, 1), (10, 1)], visits.Select(v => (v.DurationMinutes, v.Care.Count)).OrderDescending());
    }

    [Fact]
    public void Care_due_any_time_does_not_ride_along_beyond_the_limit()
    {
        var catheter = Intervention("int-any", Daily(), TimeWindow.Any, 20, skills: Skill.CatheterCare);
        var washing = Intervention("int-mor", Daily(), TimeWindow.Morning, 80, skills: Skill.PersonalCare);

        var visits = DueOn(Monday, catheter, washing);

        Assert.Equal([TimeWindow.Morning, TimeWindow.Any], visits.Select(v => v.Window));
    }

    [Fact]
    public void The_days_list_holds_the_care_plans_visits_and_the_nights_next_day_visit_once_as_the_planner_plans_them()
    {
        var team = OnCallStory.Team();
        var review = OnCallStory.Book()
            .Log("call-1", At(Tuesday, 2), outcome: TriageOutcome.NextDayVisitAdded,
                nextDayVisit: new(TimeWindow.Morning, 20, Skills(Skill.WoundCare)))
            .Review(Monday, []);
        var fromCarePlans = DueOn(
            Tuesday, Intervention("int-a", Daily(2), TimeWindow.Any, 20), Intervention("int-b", Weekly(3), TimeWindow.Morning));
        var followUp = VisitsDue.FollowUp(review.NextDayVisits.Single());

        var listed = VisitsDue.OfTeamDay(fromCarePlans, review);
        var plan = DayPlanner.Plan(team, DutyRota.Default(team, Tuesday), fromCarePlans, [], review);

        Assert.Equal(fromCarePlans.Count + 1, listed.Count);
        Assert.Single(listed, v => v.VisitId == followUp.VisitId);
        Assert.Equal(listed, VisitsDue.OfTeamDay(listed, review));
        var planned = plan.Assigned.Select(v => v.Visit.VisitId).Concat(plan.Unassigned.Select(v => v.Visit.VisitId));
        Assert.Equal(listed.Select(v => v.VisitId).Order(StringComparer.Ordinal), planned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_care_plan_gives_the_same_visit_ids_and_another_day_gives_others()
    {
        var dressing = Intervention("int-a", Daily());

        Assert.Equal(DueOn(Monday, dressing).Single().VisitId, DueOn(Monday, dressing).Single().VisitId);
        Assert.NotEqual(DueOn(Monday, dressing).Single().VisitId, DueOn(Tuesday, dressing).Single().VisitId);
        var otherClients = VisitsDue.For("c2", [dressing], [], Monday, ReviewOf(Monday));
        Assert.NotEqual(DueOn(Monday, dressing).Single().VisitId, otherClients.Single().VisitId);
        Assert.Matches("^visit-[0-9a-f]{16}$", DueOn(Monday, dressing).Single().VisitId);
    }

    [Fact]
    public void A_care_record_gives_its_active_interventions_visits_and_a_discharged_record_none()
    {
        // The story's dressing: three times a week in the morning from Monday 3 March 2025, 09:00.
        var record = RecordStory.WithCarePlan();
        var monday = RecordStory.MondayDate;
        ImmutableList<DueVisit> Due(CareRecord r, DateOnly day) => VisitsDue.For(r, day, ReviewOf(day));

        Assert.Single(Due(record, monday));
        Assert.True(Assert.Single(Due(record, monday.AddDays(1))).IsCarriedOver);
        var visited = record.Then(RecordStory.Visit("visit-1", RecordStory.Nurse, RecordStory.Day(0, 10), interventionsDone: "int-dressing"));
        Assert.Empty(Due(visited, monday.AddDays(1)));
        Assert.Single(Due(visited, monday.AddDays(2)));

        var discharged = visited.Then(RecordStory.Discharge(at: RecordStory.Day(1)));
        Assert.Empty(Due(discharged, monday.AddDays(2)));
    }
}
