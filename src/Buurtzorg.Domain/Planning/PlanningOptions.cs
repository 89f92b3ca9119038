using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// <see cref="TravelMinutes"/>: the fixed allowance before every visit for getting there (10 minutes: a team's
/// neighbourhood is a few postcode sectors); it counts against the nurse's minutes and sits in their timeline just
/// before the visit, inside their duty. <see cref="RecentVisitDays"/>: how far back a visit makes a nurse "recent"
/// for a client — at most as far back as a record keeps its visits (<see cref="RecordState.KeptDays"/>).
/// </summary>
public sealed record PlanningOptions(int TravelMinutes = 10, int RecentVisitDays = 14)
{
    public static readonly PlanningOptions Default = new();

    public PlanningOptions Validated()
    {
        if (TravelMinutes is < 0 or > 60) throw CareRuleException.Invalid("The travel allowance is 0 to 60 minutes a visit.");
        if (RecentVisitDays is < 1 or > RecordState.KeptDays)
            throw CareRuleException.Invalid($"Recent visits look back 1 to {RecordState.KeptDays} days.");
        return this;
    }
}

/// <summary>A nurse visited a client on a day: the planner's third preference after the named nurse and the backup.</summary>
public sealed record RecentVisit(string ClientId, string NurseId, DateOnly Day)
{
    /// <summary>The team's planned visits in a record (out-of-hours visits are someone else's care).</summary>
    public static ImmutableList<RecentVisit> From(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Visits.Where(v => !v.OutOfHours)
            .Select(v => new RecentVisit(record.ClientId, v.NurseId, ServiceHours.DateOf(v.Start)))
            .ToImmutableList();
    }
}
