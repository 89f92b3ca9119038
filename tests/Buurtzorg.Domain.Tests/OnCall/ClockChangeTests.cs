using System.Globalization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Tests.Common;
using static Buurtzorg.Domain.Tests.OnCall.OnCallStory;

namespace Buurtzorg.Domain.Tests.OnCall;

/// <summary>Nights on the London clock, in summer time and across both changes of the clocks in 2026.</summary>
public sealed class ClockChangeTests
{
    private static readonly DateOnly SummerNight = new(2026, 7, 1);

    private static OnCallBook SummerBook() =>
        OnCallBook.Create("team-bow").AssignNight(Team(), SummerNight, "anna", "bea", London.At(2026, 7, 1, 10));

    [Theory]
    [InlineData("2026-03-28", 11)] // the clocks go forward at 01:00 GMT
    [InlineData("2026-10-24", 13)] // the clocks go back at 02:00 BST
    [InlineData("2026-07-01", 12)]
    [InlineData("2026-01-14", 12)]
    public void A_night_from_eight_to_eight_lasts_eleven_hours_on_the_spring_change_and_thirteen_on_the_autumn_one(string night, int hours)
    {
        var date = DateOnly.Parse(night, CultureInfo.InvariantCulture);
        var noon = new DateTimeOffset(date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

        // Every minute of the day after noon, as an instant turned into London time: how many belong to the night?
        var minutes = Enumerable.Range(0, 24 * 60)
            .Select(m => TimeZoneInfo.ConvertTime(noon.AddMinutes(m), London.Zone))
            .Count(at => OnCallPolicy.Default.NightOf(at) == date);

        Assert.Equal(hours * 60, minutes);
    }

    [Fact]
    public void A_call_at_half_past_eight_on_a_summer_evening_is_inside_the_night()
    {
        var at = London.FromUtc(2026, 7, 1, 19, 30); // 20:30 BST

        var book = SummerBook().Log("call-1", at);

        var call = Assert.Single(book.Calls);
        Assert.Equal((SummerNight, TimeSpan.FromHours(1)), (call.Night, call.At.Offset));
    }

    [Fact]
    public void A_call_at_half_past_seven_on_a_summer_morning_still_belongs_to_the_night_and_at_eight_to_the_day()
    {
        var book = SummerBook().Log("call-1", London.FromUtc(2026, 7, 2, 6, 30));

        Assert.Equal(SummerNight, Assert.Single(book.Calls).Night);
        var e = Assert.Throws<CareRuleException>(() => SummerBook().Log("call-2", London.FromUtc(2026, 7, 2, 7, 0)));
        Assert.Equal("OUTSIDE_NIGHT", e.Reason);
    }

    [Fact]
    public void A_call_for_tonight_is_refused_while_it_is_still_afternoon()
    {
        var book = SummerBook();

        var e = Assert.Throws<CareRuleException>(() => book.Log("call-1", London.At(2026, 7, 1, 22), now: London.At(2026, 7, 1, 15)));

        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
        Assert.Contains("future", e.Message, StringComparison.Ordinal);
        Assert.Empty(book.Calls);
    }

    [Fact]
    public void A_call_is_logged_during_its_night_or_the_morning_after_within_the_clock_tolerance()
    {
        var book = SummerBook()
            .Log("call-1", London.At(2026, 7, 1, 22, 4), now: London.At(2026, 7, 1, 22)) // a phone clock four minutes ahead
            .Log("call-2", London.At(2026, 7, 1, 23), now: London.At(2026, 7, 2, 7, 45));

        Assert.Equal(2, book.CallsOf(SummerNight).Count);
    }

    [Fact]
    public void A_call_more_than_a_week_old_is_refused()
    {
        var e = Assert.Throws<CareRuleException>(() =>
            SummerBook().Log("call-1", London.At(2026, 7, 1, 22), now: London.At(2026, 7, 9, 9)));

        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
    }

    [Fact]
    public void The_on_call_nurse_can_be_changed_until_eight_in_the_evening_local_time()
    {
        var book = OnCallBook.Create("team-bow");

        var changed = book.AssignNight(Team(), SummerNight, "anna", "bea", London.FromUtc(2026, 7, 1, 18, 59));
        var e = Assert.Throws<CareRuleException>(() =>
            changed.AssignNight(Team(), SummerNight, "ali", "bea", London.FromUtc(2026, 7, 1, 19, 0))); // 20:00 BST

        Assert.Equal("anna", changed.NurseOnCall(SummerNight));
        Assert.Equal("NIGHT_STARTED", e.Reason);
    }
}
