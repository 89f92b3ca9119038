using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Teams;

/// <summary>Leave is planned from today on; leave that has already begun is the coach's to record, and never from 1900.</summary>
public sealed class LeaveDateTests
{
    private static readonly DateTimeOffset Now = At(Monday, 10);

    private static Team Bow() => TeamOf([Nurse("anna", Skill.WoundCare), Nurse("bea", Skill.WoundCare)], Client("c1", "anna", "bea"));

    private static LeavePeriod From(DateOnly start, int days = 5) => new(start, start.AddDays(days), "Sickness");

    [Fact]
    public void Leave_starting_today_hands_the_nurses_clients_over()
    {
        var (team, handovers) = Bow().StartLeave("anna", From(Monday), Now);

        Assert.Equal("c1", Assert.Single(handovers).ClientId);
        Assert.Contains(From(Monday), team.Member("anna")!.Leave);
    }

    [Fact]
    public void Leave_starting_in_1900_is_refused_even_for_a_coach()
    {
        var e = Assert.Throws<CareRuleException>(() => Bow().StartLeave("anna", new LeavePeriod(new(1900, 1, 1), Monday, null), Now, recordedByCoach: true));

        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
    }

    [Fact]
    public void Leave_that_began_yesterday_is_refused_unless_the_coach_records_it()
    {
        var yesterday = From(Monday.AddDays(-1));

        var e = Assert.Throws<CareRuleException>(() => Bow().StartLeave("anna", yesterday, Now));
        var (team, handovers) = Bow().StartLeave("anna", yesterday, Now, recordedByCoach: true);

        Assert.Equal((RuleViolation.FailedPrecondition, "LEAVE_IN_PAST"), (e.Violation, e.Reason));
        Assert.Contains(yesterday, team.Member("anna")!.Leave);
        Assert.Single(handovers);
    }

    [Fact]
    public void Leave_recorded_again_after_it_began_changes_nothing()
    {
        var (team, _) = Bow().StartLeave("anna", From(Monday), Now);

        var (again, handovers) = team.StartLeave("anna", From(Monday), Now.AddDays(2));

        Assert.Equal(team.Member("anna"), again.Member("anna"));
        Assert.Empty(handovers);
    }

    [Theory]
    [InlineData(2200, 1, 1)]
    [InlineData(2028, 3, 3)] // two years and a day ahead
    public void Leave_ending_more_than_two_years_ahead_is_refused(int year, int month, int day)
    {
        var e = Assert.Throws<CareRuleException>(() => Bow().StartLeave("anna", new LeavePeriod(Monday.AddDays(7), new(year, month, day), null), Now));

        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
    }
}
