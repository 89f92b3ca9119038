using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Tests.Common;
using Buurtzorg.Domain.Tests.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>The team's day on the London clock: it starts at 08:00 local in summer too, and a day is planned ahead, never after.</summary>
public sealed class LocalDayTests
{
    /// <summary>Monday 30 March 2026, the first Monday of British Summer Time.</summary>
    private static readonly DateOnly SummerMonday = new(2026, 3, 30);

    [Fact]
    public void The_planned_day_starts_at_eight_local_time_in_summer()
    {
        var team = TeamOf([Nurse("anna", Skill.WoundCare), Nurse("bea", Skill.WoundCare)], Client("c1", "anna", "bea"));
        var plan = Plan(team, Rota(SummerMonday, Duty.AllDay("anna", 450), Duty.AllDay("bea", 450)),
            [Due("v1", "c1", day: SummerMonday, skills: Skill.WoundCare)]);

        var moved = plan.Reassign("v1", "bea", "anna", London.FromUtc(2026, 3, 30, 6, 30)); // 07:30 BST
        var e = Assert.Throws<CareRuleException>(() => moved.Reassign("v1", "anna", "bea", London.FromUtc(2026, 3, 30, 7, 0)));

        Assert.Equal("bea", moved.AssignedVisit("v1")!.NurseId);
        Assert.Equal("DAY_STARTED", e.Reason);
    }

    [Fact]
    public void The_morning_window_closes_at_noon_local_time_for_care_added_that_day()
    {
        var addedBeforeNoon = Intervention("i1", Daily(), TimeWindow.Morning, started: London.At(2026, 7, 1, 11, 30));
        var addedAfterNoon = Intervention("i2", Daily(), TimeWindow.Morning, started: London.At(2026, 7, 1, 12, 30));

        Assert.Equal(1, VisitsDue.TimesOn(addedBeforeNoon, new DateOnly(2026, 7, 1)));
        Assert.Equal(0, VisitsDue.TimesOn(addedAfterNoon, new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void A_visit_late_on_a_summer_evening_is_on_that_local_day_and_one_after_midnight_on_the_next()
    {
        var admitted = London.At(2026, 6, 30, 9);
        var record = RecordStory.NewRecord().ThenAll(
            RecordStory.Referral(at: admitted),
            RecordStory.Admission(at: admitted),
            RecordStory.Visit("v-late", RecordStory.Nurse, London.FromUtc(2026, 7, 1, 22, 30)), // 23:30 BST
            RecordStory.Visit("v-night", RecordStory.Nurse, London.FromUtc(2026, 7, 1, 23, 30))); // 00:30 BST

        var days = RecentVisit.From(record).Select(v => v.Day).ToList();

        Assert.Equal([new DateOnly(2026, 7, 1), new DateOnly(2026, 7, 2)], days);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(DayPlanner.MaxDaysAhead)]
    public void Today_and_the_next_two_weeks_are_planned(int daysAhead)
    {
        var today = new DateOnly(2026, 10, 25);

        Assert.Equal(today.AddDays(daysAhead), DayPlanner.Plannable(today.AddDays(daysAhead), today));
    }

    [Fact]
    public void A_past_day_is_not_planned()
    {
        var e = Assert.Throws<CareRuleException>(() => DayPlanner.Plannable(new DateOnly(2026, 10, 24), new DateOnly(2026, 10, 25)));

        Assert.Equal((RuleViolation.FailedPrecondition, "DAY_PASSED"), (e.Violation, e.Reason));
    }

    [Theory]
    [InlineData(2026, 11, 9)]
    [InlineData(2200, 1, 1)]
    public void A_day_more_than_two_weeks_ahead_is_not_planned(int year, int month, int day)
    {
        var e = Assert.Throws<CareRuleException>(() => DayPlanner.Plannable(new DateOnly(year, month, day), new DateOnly(2026, 10, 25)));

        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
    }
}
