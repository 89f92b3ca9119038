using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.CentralOffice;

/// <summary>Totals over a set of teams (the organisation, or a region): sums, and medians of the teams' own figures.</summary>
public sealed record OrganisationTotals(
    string Region,
    int Teams,
    int ActiveTeams,
    int Caseload,
    int Capacity,
    int Members,
    double FullTimeEquivalents,
    int ReferralsWaiting,
    PeriodCounts Last7Days,
    PeriodCounts Last28Days,
    double? MedianUpc,
    double? MedianCoc,
    double? MedianDirectCareShare,
    int ReviewsOverdue,
    int OnCallCalls,
    int TeamsWithAlerts,
    int OpenAlerts)
{
    public static OrganisationTotals Of(string region, IReadOnlyCollection<TeamFigures> teams, Func<string, int> alertsOf)
    {
        ArgumentNullException.ThrowIfNull(teams);
        ArgumentNullException.ThrowIfNull(alertsOf);
        var active = teams.Where(t => t.Status == TeamStatus.Active).ToList();
        var alerts = active.Select(t => alertsOf(t.TeamId)).ToList();
        return new OrganisationTotals(region, teams.Count, active.Count,
            active.Sum(t => t.Caseload), active.Sum(t => t.Capacity), active.Sum(t => t.Members),
            Math.Round(active.Sum(t => t.FullTimeEquivalents), 2), active.Sum(t => t.ReferralsWaiting),
            Sum(active.Select(t => t.Last7Days)), Sum(active.Select(t => t.Last28Days)),
            ContinuityIndex.Median(active.Select(t => t.MedianUpc)), ContinuityIndex.Median(active.Select(t => t.MedianCoc)),
            ContinuityIndex.Median(active.Select(t => t.DirectCareShare)),
            active.Sum(t => t.ReviewsOverdue), active.Sum(t => t.OnCallCalls), alerts.Count(n => n > 0), alerts.Sum());
    }

    private static PeriodCounts Sum(IEnumerable<PeriodCounts> periods) => periods.Aggregate(PeriodCounts.None, (sum, p) => new PeriodCounts(
        sum.Admissions + p.Admissions, sum.Declines + p.Declines, sum.Discharges + p.Discharges,
        p.DeclinesByReason.Aggregate(sum.DeclinesByReason, (d, kv) => d.SetItem(kv.Key, d.GetValueOrDefault(kv.Key) + kv.Value))));
}

/// <summary>Sorting teams by any figure, the same for the API and the page.</summary>
public static class TeamSort
{
    public static readonly ImmutableSortedDictionary<string, Func<TeamFigures, int, IComparable?>> Keys =
        new Dictionary<string, Func<TeamFigures, int, IComparable?>>
        {
            ["name"] = (t, _) => t.Name,
            ["region"] = (t, _) => t.Area,
            ["caseload"] = (t, _) => t.Caseload,
            ["capacity"] = (t, _) => t.Capacity,
            ["capacity_use"] = (t, _) => t.CapacityUse(),
            ["members"] = (t, _) => t.Members,
            ["fte"] = (t, _) => t.FullTimeEquivalents,
            ["clients_per_fte"] = (t, _) => t.ClientsPerFte,
            ["referrals_waiting"] = (t, _) => t.ReferralsWaiting,
            ["oldest_wait_days"] = (t, _) => t.OldestWaitDays,
            ["admissions_7d"] = (t, _) => t.Last7Days.Admissions,
            ["declines_7d"] = (t, _) => t.Last7Days.Declines,
            ["discharges_7d"] = (t, _) => t.Last7Days.Discharges,
            ["admissions_28d"] = (t, _) => t.Last28Days.Admissions,
            ["declines_28d"] = (t, _) => t.Last28Days.Declines,
            ["discharges_28d"] = (t, _) => t.Last28Days.Discharges,
            ["median_upc"] = (t, _) => t.MedianUpc,
            ["median_coc"] = (t, _) => t.MedianCoc,
            ["direct_care_share"] = (t, _) => t.DirectCareShare,
            ["reviews_overdue"] = (t, _) => t.ReviewsOverdue,
            ["on_call_calls"] = (t, _) => t.OnCallCalls,
            ["alerts"] = (_, alerts) => alerts,
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>Sorted by the key (missing values last either way), then by name and id so pages are stable.</summary>
    public static IEnumerable<T> Sort<T>(IEnumerable<T> rows, Func<T, TeamFigures> figures, Func<T, int> alerts, string key, bool descending)
    {
        if (!Keys.TryGetValue(key, out var by)) throw CareRuleException.Invalid($"Teams cannot be sorted by \"{key}\"; use one of: {string.Join(", ", Keys.Keys)}.");
        var withValues = rows.Select(r => (Row: r, Value: by(figures(r), alerts(r)))).ToList();
        var present = withValues.Where(r => r.Value is not null);
        var ordered = descending ? present.OrderByDescending(r => r.Value) : present.OrderBy(r => r.Value);
        return ordered.ThenBy(r => figures(r.Row).Name, StringComparer.Ordinal).ThenBy(r => figures(r.Row).TeamId, StringComparer.Ordinal)
            .Concat(withValues.Where(r => r.Value is null).OrderBy(r => figures(r.Row).Name, StringComparer.Ordinal))
            .Select(r => r.Row);
    }
}
