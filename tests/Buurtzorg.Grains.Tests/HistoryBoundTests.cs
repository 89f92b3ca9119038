using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains.Tests;

/// <summary>A team's day figures: one small row per month, a bounded number of months, read back in order.</summary>
[Collection(SharedCluster.Name)]
public sealed class HistoryBoundTests(ClusterFixture fixture)
{
    private static readonly DateOnly First = new(2027, 1, 1);

    [Fact]
    public async Task Three_years_of_daily_figures_keep_a_bounded_number_of_month_rows_and_read_back_the_last_400_days()
    {
        var teamId = Ids.Derive("team", Guid.NewGuid().ToString("N"));
        var history = fixture.Grains.GetGrain<ITeamHistoryGrain>(teamId);
        var last = First.AddDays((3 * 365) - 1);
        for (var day = First; day <= last; day = day.AddDays(1)) await Publish(history, teamId, day);

        var days = await history.Days(ITeamHistoryGrain.DaysKept);

        Assert.Equal(ITeamHistoryGrain.DaysKept, days.Count);
        Assert.Equal(Enumerable.Range(0, ITeamHistoryGrain.DaysKept).Select(i => last.AddDays(i - ITeamHistoryGrain.DaysKept + 1)), days.Select(d => d.Day));
        var rows = new List<int>();
        for (var month = First; month <= last; month = month.AddMonths(1))
        {
            var stored = await Stored.Read<TeamMonthState>(fixture, "central-office-team-month",
                fixture.Grains.GetGrain<ITeamMonthGrain>(ITeamMonthGrain.Key(teamId, month)).GetGrainId());
            Assert.InRange(stored.Days.Count, 0, 31);
            if (!stored.Days.IsEmpty) rows.Add(stored.Days.Count);
        }
        Assert.InRange(rows.Count, 14, TeamHistoryGrain.MonthsKept);
        var own = await Stored.Read<TeamHistoryState>(fixture, "central-office-team-history", history.GetGrainId());
        Assert.Empty(own.Days);
    }

    [Fact]
    public async Task History_stored_in_one_row_before_months_reads_back_with_the_days_recorded_after_it()
    {
        var teamId = Ids.Derive("team", Guid.NewGuid().ToString("N"));
        var history = fixture.Grains.GetGrain<ITeamHistoryGrain>(teamId);
        var before = new TeamHistoryState { Days = [.. Enumerable.Range(0, 10).Select(i => new DayFigures(First.AddDays(i), Figures(teamId, First.AddDays(i))))] };
        await Stored.Overwrite<TeamHistoryState, TeamHistoryState>(fixture, "central-office-team-history", history.GetGrainId(), before);

        Assert.Equal(First.AddDays(5), (await history.Days(5))[0].Day);
        await Publish(history, teamId, First.AddDays(10));

        var days = await history.Days(30);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => First.AddDays(i)), days.Select(d => d.Day));
    }

    private async Task Publish(ITeamHistoryGrain history, string teamId, DateOnly day)
    {
        await fixture.Grains.GetGrain<IGrainStepRelay>("history").RecordHistory(teamId, Figures(teamId, day));
        // Record is one-way: the next day waits until this one has landed, as a day's publishes do.
        await Arrival.Eventually(() => history.Days(1), d => d.Count == 1 && d[0].Day == day);
    }

    private static TeamFigures Figures(string teamId, DateOnly day)
    {
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(18, 0)), TimeSpan.Zero);
        var team = Team.Apply(teamId, "History Team", [PostcodeArea.Parse("E3")], [], null, at);
        return TeamFigures.From(team, at, []);
    }
}

/// <summary>
/// Takes a step only our own grains may take (the access rules let a call through when one of our grain types makes
/// it): here, recording a team's figures as its publisher does, on a day the test chooses.
/// </summary>
public interface IGrainStepRelay : IGrainWithStringKey
{
    Task RecordHistory(string teamId, TeamFigures figures);
}

[GrainType("buurtzorg.test-relay")]
public sealed class GrainStepRelay : Grain, IGrainStepRelay
{
    public Task RecordHistory(string teamId, TeamFigures figures) => GrainFactory.GetGrain<ITeamHistoryGrain>(teamId).Record(figures);
}
