using System.Collections.Immutable;
using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Teams.TeamFactory;

namespace Buurtzorg.Domain.Tests.CentralOffice;

public sealed class TeamFiguresTests
{
    private static readonly ImmutableArray<int> OneNurse = [10];

    [Fact]
    public void Figures_count_decisions_in_the_last_7_and_28_days_and_the_oldest_wait()
    {
        var team = Active(FullTimers(4)).WithClients(3)
            .Refer(Referral(10)).Decline("ref-10", DeclineReason.AtCapacity, Monday.AddDays(-10))
            .Refer(Referral(11)).Decline("ref-11", DeclineReason.OutsideFootprint, Monday)
            .Refer(Referral(12) with { ReceivedAt = Monday.AddDays(-3) });
        var figures = TeamFigures.From(team, Monday.AddHours(1), [Monday.AddDays(-2), Monday.AddDays(-20), Monday.AddDays(-40)]);

        Assert.Equal((3, 24, 4, 4.0, 0.75), (figures.Caseload, figures.Capacity, figures.Members, figures.FullTimeEquivalents, figures.ClientsPerFte));
        Assert.Equal((3, 1, 1), (figures.Last7Days.Admissions, figures.Last7Days.Declines, figures.Last7Days.Discharges));
        Assert.Equal(["OUTSIDE_FOOTPRINT"], figures.Last7Days.DeclinesByReason.Keys);
        Assert.Equal((3, 2, 2), (figures.Last28Days.Admissions, figures.Last28Days.Declines, figures.Last28Days.Discharges));
        Assert.Equal(1, figures.Last28Days.DeclinesByReason["AT_CAPACITY"]);
        Assert.Equal(1, figures.ReferralsWaiting);
        Assert.Equal(3.04, figures.OldestWaitDays);
        Assert.Equal("E", figures.Area);
    }

    [Fact]
    public void Continuity_and_direct_care_come_from_the_clients_visit_summaries()
    {
        var team = Active(FullTimers(4)).WithClients(2);
        var figures = TeamFigures.From(team, Monday, [], [new ClientCare([8, 2], 200, 300), new ClientCare([5, 5], 100, 300)]);
        Assert.Equal(0.65, figures.MedianUpc); // 0.8 and 0.5
        Assert.Equal(0.5, figures.DirectCareShare);
        Assert.Null(TeamFigures.From(team, Monday, []).DirectCareShare);
    }

    [Fact]
    public void Reviews_overdue_are_the_caseloads_review_flags()
    {
        var team = Active(FullTimers(4)).WithClients(3).Flag("c-1", CaseloadFlag.ReviewDue, true).Flag("c-2", CaseloadFlag.ReablementEnding, true);
        var figures = TeamFigures.From(team, Monday, []);
        Assert.Equal(1, figures.ReviewsOverdue);
        Assert.Equal([AlertKind.ReviewsOverdue], AlertRules.Evaluate(figures, AlertThresholds.Default).Select(a => a.Kind));
    }

    [Theory]
    [InlineData(21, new AlertKind[0])]
    [InlineData(22, new[] { AlertKind.NearCapacity })]
    [InlineData(24, new[] { AlertKind.AtCapacity })]
    public void Capacity_alerts_at_90_percent_and_at_the_cap(int clients, AlertKind[] expected)
    {
        var figures = TeamFigures.From(Active(FullTimers(4)).WithClients(clients), Monday, []);
        Assert.Equal(expected, AlertRules.Evaluate(figures, AlertThresholds.Default).Select(a => a.Kind));
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        var figures = TeamFigures.From(Active(FullTimers(4)).WithClients(20), Monday, [], [new ClientCare(OneNurse, 27, 50)]);
        Assert.Empty(AlertRules.Evaluate(figures, AlertThresholds.Default));
        var strict = new AlertThresholds { NearCapacityShare = 0.8, MinDirectCareShare = 0.6, MinMembers = 5 };
        Assert.Equal([AlertKind.NearCapacity, AlertKind.BelowSafeStaffing, AlertKind.LowDirectCare],
            AlertRules.Evaluate(figures, strict).Select(a => a.Kind));
    }

    [Fact]
    public void Staffing_split_continuity_and_waiting_alerts_are_raised_and_an_open_alert_keeps_when_it_was_raised()
    {
        var small = TeamFigures.From(Active(FullTimers(3)), Monday, [], [new ClientCare([1, 1, 1], 30, 30)]);
        var raised = AlertRules.Evaluate(small, AlertThresholds.Default);
        Assert.Equal([AlertKind.BelowSafeStaffing, AlertKind.LowContinuity], raised.Select(a => a.Kind));

        var later = small with { AsOf = Monday.AddHours(5) };
        Assert.All(AlertRules.Evaluate(later, AlertThresholds.Default, raised), a => Assert.Equal(Monday, a.RaisedAt));

        var big = TeamFigures.From(Active(FullTimers(13)).Refer(Referral(1) with { ReceivedAt = Monday.AddDays(-3) }), Monday, []);
        Assert.Equal([AlertKind.SplitSuggested, AlertKind.ReferralsWaiting], AlertRules.Evaluate(big, AlertThresholds.Default).Select(a => a.Kind));
    }

    [Fact]
    public void A_team_not_active_raises_no_alerts()
    {
        var applied = Team.Apply("t-1", "New", [Domain.Common.PostcodeArea.Parse("E3 2")], [], null, Monday);
        Assert.Empty(AlertRules.Evaluate(TeamFigures.From(applied, Monday, []), AlertThresholds.Default));
    }

    [Fact]
    public void Teams_sort_by_any_figure_with_missing_values_last()
    {
        var a = TeamFigures.From(Active(FullTimers(4)).WithClients(5), Monday, []) with { TeamId = "a", Name = "Alpha", MedianUpc = 0.9 };
        var b = a with { TeamId = "b", Name = "Bravo", Caseload = 9, MedianUpc = null };
        var c = a with { TeamId = "c", Name = "Charlie", Caseload = 1, MedianUpc = 0.4 };
        Assert.Equal(["b", "a", "c"], TeamSort.Sort([a, b, c], t => t, _ => 0, "caseload", descending: true).Select(t => t.TeamId));
        Assert.Equal(["c", "a", "b"], TeamSort.Sort([a, b, c], t => t, _ => 0, "median_upc", descending: false).Select(t => t.TeamId));
        Assert.Equal(["a", "c", "b"], TeamSort.Sort([a, b, c], t => t, _ => 0, "median_upc", descending: true).Select(t => t.TeamId));
        Assert.Throws<Domain.Common.CareRuleException>(() => TeamSort.Sort([a], t => t, _ => 0, "nhs_number", false).ToList());
    }
}
