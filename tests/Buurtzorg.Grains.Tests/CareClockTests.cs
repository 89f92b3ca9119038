namespace Buurtzorg.Grains.Tests;

/// <summary>The care clock reads the organisation's wall clock: London time, GMT in winter and BST in summer.</summary>
public sealed class CareClockTests
{
    private static readonly DateTimeOffset SummerEvening = new(2026, 7, 1, 19, 30, 0, TimeSpan.Zero);

    [Fact]
    public void In_summer_the_clock_reads_british_summer_time_and_todays_date_turns_at_local_midnight()
    {
        var clock = new CareClock();

        clock.Set(SummerEvening);
        Assert.Equal((20, TimeSpan.FromHours(1)), (clock.LocalNow.Hour, clock.LocalNow.Offset));

        clock.Set(new DateTimeOffset(2026, 7, 1, 23, 30, 0, TimeSpan.Zero)); // 00:30 BST on 2 July
        Assert.Equal(new DateOnly(2026, 7, 2), clock.Today);
    }

    [Fact]
    public void In_winter_local_time_is_greenwich_mean_time()
    {
        var local = new CareClock().ToLocal(new DateTimeOffset(2026, 1, 14, 20, 30, 0, TimeSpan.Zero));

        Assert.Equal((20, TimeSpan.Zero), (local.Hour, local.Offset));
    }

    [Fact]
    public void A_local_time_the_clocks_skip_in_spring_is_refused_and_one_they_pass_twice_in_autumn_is_the_first()
    {
        var clock = new CareClock();

        Assert.Throws<ArgumentException>(() => clock.AtLocal(new DateTime(2026, 3, 29, 1, 30, 0)));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), clock.AtLocal(new DateTime(2026, 10, 25, 1, 30, 0)));
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 23, 0, 0, TimeSpan.Zero), clock.StartOf(new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void Set_to_a_local_time_the_clock_runs_on_from_there()
    {
        var clock = new CareClock();

        clock.SetLocal(new DateTime(2026, 7, 1, 21, 0, 0));

        Assert.InRange(clock.LocalNow, new DateTimeOffset(2026, 7, 1, 21, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 7, 1, 22, 0, 0, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), clock.LocalNow.Offset);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_with_a_message_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CareClock.Zone("Europe/Atlantis"));

        Assert.Contains("CareClock:TimeZone", e.Message, StringComparison.Ordinal);
        Assert.Contains("Europe/London", e.Message, StringComparison.Ordinal);
    }
}
