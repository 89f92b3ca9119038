using System.Collections.Immutable;
using System.Globalization;

namespace Buurtzorg.Domain.CentralOffice;

public enum AlertKind
{
    AtCapacity = 1,
    NearCapacity,
    BelowSafeStaffing,
    SplitSuggested,
    LowContinuity,
    LowDirectCare,
    ReviewsOverdue,
    ReferralsWaiting,
}

/// <summary>An alert open on a team: what, since when, and the figures behind it in words.</summary>
public sealed record Alert(string TeamId, AlertKind Kind, string Message, DateTimeOffset RaisedAt);

/// <summary>
/// The thresholds the central office watches teams against (configuration section <c>CentralOffice:Alerts</c>).
/// Staffing and split thresholds are each team's own capacity policy unless set here.
/// </summary>
public sealed record AlertThresholds
{
    public static readonly AlertThresholds Default = new();

    /// <summary>Caseload at this share of capacity or more is "near capacity" (at 1 or more, "at capacity").</summary>
    public double NearCapacityShare { get; init; } = 0.9;

    /// <summary>Overrides each team's safe-staffing minimum when set.</summary>
    public int? MinMembers { get; init; }

    /// <summary>Overrides each team's split threshold (12 by default) when set: more members than this suggests a split.</summary>
    public int? SplitAboveMembers { get; init; }

    /// <summary>Median UPC over active clients below this raises a continuity alert.</summary>
    public double MinMedianUpc { get; init; } = 0.5;

    public double MinDirectCareShare { get; init; } = 0.5;

    /// <summary>More reviews overdue than this raises an alert.</summary>
    public int MaxReviewsOverdue { get; init; }

    public double MaxReferralWaitDays { get; init; } = 2;
}

public static class AlertRules
{
    /// <summary>
    /// The alerts the figures call for, keeping the time an alert already open was raised; an alert not called for any
    /// more is cleared by its absence. Closed and not-yet-approved teams raise none.
    /// </summary>
    public static ImmutableList<Alert> Evaluate(TeamFigures figures, AlertThresholds thresholds, IReadOnlyCollection<Alert>? open = null)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (figures.Status != Teams.TeamStatus.Active) return [];
        var raised = new List<(AlertKind, string)>();
        var use = figures.CapacityUse();
        if (use >= 1)
            raised.Add((AlertKind.AtCapacity, F($"At capacity: {figures.Caseload} of {figures.Capacity} clients.")));
        else if (use >= thresholds.NearCapacityShare)
            raised.Add((AlertKind.NearCapacity, F($"Near capacity: {figures.Caseload} of {figures.Capacity} clients ({use:P0}).")));
        var minMembers = thresholds.MinMembers ?? figures.MinMembersForSafeStaffing;
        if (figures.Members < minMembers)
            raised.Add((AlertKind.BelowSafeStaffing, F($"Below safe staffing: {figures.Members} members, at least {minMembers} needed.")));
        var splitAbove = thresholds.SplitAboveMembers ?? figures.SplitSuggestedAboveMembers;
        if (figures.Members > splitAbove)
            raised.Add((AlertKind.SplitSuggested, F($"{figures.Members} members, more than {splitAbove}: suggest a split.")));
        if (figures.MedianUpc is { } upc && upc < thresholds.MinMedianUpc)
            raised.Add((AlertKind.LowContinuity, F($"Continuity low: median UPC {upc:0.00}, below {thresholds.MinMedianUpc:0.00}.")));
        if (figures.DirectCareShare is { } share && share < thresholds.MinDirectCareShare)
            raised.Add((AlertKind.LowDirectCare, F($"Direct care {share:P0} of recorded time, below {thresholds.MinDirectCareShare:P0} (target {TeamFigures.DirectCareTarget:P0}).")));
        if (figures.ReviewsOverdue > thresholds.MaxReviewsOverdue)
            raised.Add((AlertKind.ReviewsOverdue, F($"{figures.ReviewsOverdue} care-plan reviews overdue.")));
        if (figures.OldestWaitDays is { } days && days > thresholds.MaxReferralWaitDays)
            raised.Add((AlertKind.ReferralsWaiting, F($"{figures.ReferralsWaiting} referrals waiting, the oldest for {days:0.#} days.")));

        return raised.Select(r => new Alert(figures.TeamId, r.Item1, r.Item2,
            open?.FirstOrDefault(a => a.Kind == r.Item1)?.RaisedAt ?? figures.AsOf)).ToImmutableList();
    }

    /// <summary>The page's and the API's name for a kind: AT_CAPACITY, BELOW_SAFE_STAFFING, …</summary>
    public static string Code(AlertKind kind) => kind switch
    {
        AlertKind.AtCapacity => "AT_CAPACITY",
        AlertKind.NearCapacity => "NEAR_CAPACITY",
        AlertKind.BelowSafeStaffing => "BELOW_SAFE_STAFFING",
        AlertKind.SplitSuggested => "SPLIT_SUGGESTED",
        AlertKind.LowContinuity => "LOW_CONTINUITY",
        AlertKind.LowDirectCare => "LOW_DIRECT_CARE",
        AlertKind.ReviewsOverdue => "REVIEWS_OVERDUE",
        _ => "REFERRALS_WAITING",
    };

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
