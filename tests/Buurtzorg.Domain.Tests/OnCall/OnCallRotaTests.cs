using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using static Buurtzorg.Domain.Tests.OnCall.OnCallStory;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.OnCall;

public sealed class OnCallRotaTests
{
    [Fact]
    public void The_night_runs_from_eight_in_the_evening_to_eight_the_next_morning_and_is_named_by_its_first_date()
    {
        var policy = OnCallPolicy.Default;

        Assert.Equal(Monday, policy.NightOf(At(Monday, 20)));
        Assert.Equal(Monday, policy.NightOf(At(Monday, 23, 59)));
        Assert.Equal(Monday, policy.NightOf(At(Tuesday, 3)));
        Assert.Equal(Monday, policy.NightOf(At(Tuesday, 7, 59)));
        Assert.Null(policy.NightOf(At(Tuesday, 8)));
        Assert.Null(policy.NightOf(At(Monday, 19, 59)));
        Assert.Equal((Monday.ToDateTime(new TimeOnly(20, 0)), Tuesday.ToDateTime(new TimeOnly(8, 0))), policy.Bounds(Monday));
    }

    [Fact]
    public void A_team_may_run_its_night_on_other_hours_but_a_night_crosses_midnight_and_lasts_eight_to_sixteen_hours()
    {
        var book = OnCallBook.Create("team-bow", new OnCallPolicy(new(22, 0), new(7, 0)));

        Assert.Null(book.NightOf(At(Monday, 21)));
        Assert.Equal(Monday, book.NightOf(At(Tuesday, 6, 30)));
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => book.WithPolicy(new(new(8, 0), new(20, 0)))).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => book.WithPolicy(new(new(23, 0), new(5, 0)))).Violation);
        Assert.Equal(new TimeOnly(19, 0), book.WithPolicy(new(new(19, 0), new(8, 0))).Policy.NightStarts);
    }

    [Fact]
    public void A_member_is_put_on_call_for_a_night_and_can_be_replaced_before_it_starts()
    {
        var book = Book();
        Assert.Equal("anna", book.NurseOnCall(Monday));
        Assert.Null(book.NurseOnCall(Tuesday));

        var swapped = book.AssignNight(Team(), Monday, "ali", "anna", At(Monday, 12));

        Assert.Equal("ali", swapped.NurseOnCall(Monday));
        Assert.Equal(new OnCallShift(Monday, "ali", "anna", At(Monday, 12)), Assert.Single(swapped.Rota));
        Assert.Same(book, book.AssignNight(Team(), Monday, "anna", "anna", At(Monday, 12)));
    }

    [Fact]
    public void Someone_outside_the_team_or_on_leave_that_night_is_not_put_on_call()
    {
        var book = Book();

        Assert.Equal("NOT_A_MEMBER", Assert.Throws<CareRuleException>(() => book.AssignNight(Team(), Tuesday, "zoe", "anna", SundayEvening)).Reason);
        // Bea's leave starts on Wednesday: Tuesday night ends on Wednesday morning, so she cannot cover it.
        var onLeave = Assert.Throws<CareRuleException>(() => book.AssignNight(Team(), Tuesday, "bea", "anna", SundayEvening));
        Assert.Equal((RuleViolation.FailedPrecondition, "ON_LEAVE"), (onLeave.Violation, onLeave.Reason));
        Assert.Equal("bea", book.AssignNight(Team(), Monday.AddDays(5), "bea", "anna", SundayEvening).NurseOnCall(Monday.AddDays(5)));
    }

    [Fact]
    public void A_night_that_has_started_keeps_its_nurse_and_the_rota_is_planned_at_most_a_year_ahead()
    {
        var book = Book();

        Assert.Equal("NIGHT_STARTED", Assert.Throws<CareRuleException>(() => book.AssignNight(Team(), Monday, "ali", "anna", At(Monday, 21))).Reason);
        Assert.Equal(RuleViolation.InvalidArgument,
            Assert.Throws<CareRuleException>(() => book.AssignNight(Team(), Monday.AddDays(400), "ali", "anna", SundayEvening)).Violation);
    }

    [Fact]
    public void Old_nights_can_be_forgotten_once_recorded_elsewhere()
    {
        var book = Book().AssignNight(Team(), Tuesday, "ali", "anna", SundayEvening).Log("call-1", At(Monday, 22));

        var trimmed = book.ForgetBefore(Tuesday);

        Assert.Equal([Tuesday], trimmed.Rota.Select(s => s.Night));
        Assert.Empty(trimmed.Calls);
    }
}
