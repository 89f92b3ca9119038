using System.Diagnostics;
using System.Globalization;
using Buurtzorg.Domain.Planning;
using Xunit.Abstractions;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>
/// The planner against the greedy baseline over 100 generated team-days (seeds 1–100): at least as many visits
/// assigned on every day, and a higher named-nurse share on average. The figures go to the test output and to
/// docs/BENCHMARKS.md; the planner's time per team-day is measured and printed but never asserted.
/// </summary>
public sealed class PlannerComparisonTests(ITestOutputHelper output)
{
    public const int Days = 100;
    private static readonly int Travel = PlanningOptions.Default.TravelMinutes;

    [Fact]
    public void Over_a_hundred_team_days_the_planner_assigns_at_least_as_many_visits_as_the_baseline_every_day_and_more_to_the_named_nurse()
    {
        var days = GeneratedDays.All;
        // One plan before timing, so the first measured day does not pay for compiling the planner.
        DayPlanner.Plan(days[0].Team, days[0].Rota, days[0].Visits, days[0].Recent);

        var rows = new List<(TeamDay Day, DayPlan Plan, GreedyBaseline.Result Baseline, double Ms)>();
        foreach (var day in days)
        {
            var clock = Stopwatch.StartNew();
            var plan = DayPlanner.Plan(day.Team, day.Rota, day.Visits, day.Recent);
            clock.Stop();
            rows.Add((day, plan, GreedyBaseline.Plan(day, Travel), clock.Elapsed.TotalMilliseconds));
        }

        var behind = rows.Where(r => r.Plan.Assigned.Count < r.Baseline.Assigned.Count)
            .Select(r => $"day {r.Day.Seed}: planner {r.Plan.Assigned.Count}, baseline {r.Baseline.Assigned.Count}").ToList();
        var plannerShare = rows.Average(r => r.Plan.NamedNurseShare ?? 0);
        var baselineShare = rows.Average(r => r.Baseline.NamedShare(r.Day));

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Team-days: {rows.Count} (seeds 1–{Days}); nurses {rows.Min(r => r.Day.Team.Members.Count)}–{rows.Max(r => r.Day.Team.Members.Count)}, clients {rows.Min(r => r.Day.Team.Caseload.Count)}–{rows.Max(r => r.Day.Team.Caseload.Count)}"));
        output.WriteLine(string.Create(c, $"Visits due per day: mean {rows.Average(r => r.Plan.DueVisits):F1}, min {rows.Min(r => r.Plan.DueVisits)}, max {rows.Max(r => r.Plan.DueVisits)}; load (due minutes with travel / rostered minutes) mean {rows.Average(r => r.Day.Load(Travel)):F2}, min {rows.Min(r => r.Day.Load(Travel)):F2}, max {rows.Max(r => r.Day.Load(Travel)):F2}"));
        output.WriteLine(string.Create(c, $"Assigned visits  planner: mean {rows.Average(r => r.Plan.Assigned.Count):F2}, min {rows.Min(r => r.Plan.Assigned.Count)}   baseline: mean {rows.Average(r => r.Baseline.Assigned.Count):F2}, min {rows.Min(r => r.Baseline.Assigned.Count)}"));
        output.WriteLine(string.Create(c, $"Assigned share of due  planner: {rows.Sum(r => r.Plan.Assigned.Count) / (double)rows.Sum(r => r.Plan.DueVisits):P1}   baseline: {rows.Sum(r => r.Baseline.Assigned.Count) / (double)rows.Sum(r => r.Plan.DueVisits):P1}"));
        output.WriteLine(string.Create(c, $"Days planner assigned more / same / fewer: {rows.Count(r => r.Plan.Assigned.Count > r.Baseline.Assigned.Count)} / {rows.Count(r => r.Plan.Assigned.Count == r.Baseline.Assigned.Count)} / {behind.Count}"));
        output.WriteLine(string.Create(c, $"Named-nurse share (mean over days)  planner: {plannerShare:P1}   baseline: {baselineShare:P1}"));
        output.WriteLine(string.Create(c, $"  ceiling: due visits whose named nurse is on duty (not on leave) with the skills: {rows.Average(r => NamedCeiling(r.Day, r.Plan)):P1}"));
        output.WriteLine(string.Create(c, $"Planner time per team-day: mean {rows.Average(r => r.Ms):F2} ms, max {rows.Max(r => r.Ms):F2} ms"));
        var full = Enumerable.Range(1001, 20).Select(seed => TeamDayGenerator.Generate(seed, fullSize: true)).ToList();
        var fullRows = full.Select(day =>
        {
            var clock = Stopwatch.StartNew();
            var plan = DayPlanner.Plan(day.Team, day.Rota, day.Visits, day.Recent);
            clock.Stop();
            return (Plan: plan, Baseline: GreedyBaseline.Plan(day, Travel), Ms: clock.Elapsed.TotalMilliseconds);
        }).ToList();
        output.WriteLine(string.Create(c, $"At full size (12 nurses, 60 clients, {full.Min(d => d.Visits.Count)}–{full.Max(d => d.Visits.Count)} visits due; 20 days, seeds 1001–1020): planner time mean {fullRows.Average(r => r.Ms):F2} ms, max {fullRows.Max(r => r.Ms):F2} ms; assigned mean planner {fullRows.Average(r => r.Plan.Assigned.Count):F1} / baseline {fullRows.Average(r => r.Baseline.Assigned.Count):F1}, planner at least as many on {fullRows.Count(r => r.Plan.Assigned.Count >= r.Baseline.Assigned.Count)} of 20"));
        var reasons = rows.SelectMany(r => r.Plan.Unassigned).GroupBy(u => u.ReasonCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"Unassigned by reason (all days): {string.Join(", ", reasons)}");

        Assert.True(behind.Count == 0, $"The planner assigned fewer visits than the baseline on: {string.Join("; ", behind)}");
        Assert.True(plannerShare > baselineShare, $"Named-nurse share: planner {plannerShare:P1}, baseline {baselineShare:P1}");
    }

    private static double NamedCeiling(TeamDay day, DayPlan plan) =>
        day.Visits.Count == 0 ? 0 : (double)day.Visits.Count(v =>
            plan.Nurse(day.Team.CaseloadOf(v.ClientId)!.NamedNurseId) is { } named && DayPlanner.CanProvide(named.Role, named.Skills, v.Skills))
            / day.Visits.Count;
}

/// <summary>The hundred team-days, generated once per test run.</summary>
internal static class GeneratedDays
{
    private static readonly Lazy<IReadOnlyList<TeamDay>> Days =
        new(() => [.. Enumerable.Range(1, PlannerComparisonTests.Days).Select(seed => TeamDayGenerator.Generate(seed))]);

    private static readonly Lazy<IReadOnlyList<(TeamDay Day, DayPlan Plan)>> Plans =
        new(() => [.. All.Select(d => (d, DayPlanner.Plan(d.Team, d.Rota, d.Visits, d.Recent)))]);

    public static IReadOnlyList<TeamDay> All => Days.Value;

    public static IReadOnlyList<(TeamDay Day, DayPlan Plan)> Planned => Plans.Value;
}
