using System.Collections.Immutable;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.CentralOffice;

/// <summary>
/// What the central office sees of one team: counts and ratios only, never a client, a referral or a nurse by id.
/// The team computes them from what it knows (<see cref="From"/>) and publishes them; the central office never asks.
/// </summary>
public sealed record TeamFigures(
    string TeamId,
    string Name,
    TeamStatus Status,
    string Area,
    int Caseload,
    int Capacity,
    int Members,
    double FullTimeEquivalents,
    double? ClientsPerFte,
    int MinMembersForSafeStaffing,
    int SplitSuggestedAboveMembers,
    int ReferralsWaiting,
    double? OldestWaitDays,
    PeriodCounts Last7Days,
    PeriodCounts Last28Days,
    double? MedianUpc,
    double? MedianCoc,
    double? DirectCareShare,
    int ReviewsOverdue,
    int OnCallCalls,
    DateTimeOffset AsOf,
    OutcomeShift? OutcomeChange28Days = null)
{
    /// <summary>The care model's target for direct care in recorded time (King's Fund review).</summary>
    public const double DirectCareTarget = 0.6;

    /// <summary>Caseload over capacity; 1 or more is full. A team with no capacity (no members) counts as full.</summary>
    public double CapacityUse() => Capacity <= 0 ? (Caseload > 0 ? double.PositiveInfinity : 1) : (double)Caseload / Capacity;

    /// <param name="discharges">When the team discharged clients (as far back as it keeps them).</param>
    /// <param name="care">Per-client summaries of the current episode's visits, when the team has gathered them.</param>
    /// <param name="outcomes">The outcome change of each discharge the team keeps (Omaha ratings, admission to discharge).</param>
    public static TeamFigures From(Team team, DateTimeOffset now, IEnumerable<DateTimeOffset> discharges, IReadOnlyCollection<ClientCare>? care = null, int onCallCalls = 0,
        IEnumerable<DischargeOutcome>? outcomes = null)
    {
        ArgumentNullException.ThrowIfNull(team);
        var fte = (double)team.FullTimeEquivalents;
        var waiting = team.Referrals.Where(r => r.Status == ReferralStatus.Waiting).ToList();
        var dischargedAt = discharges.ToList();
        var clients = care ?? [];
        var recorded = clients.Sum(c => c.RecordedMinutes);
        return new TeamFigures(
            team.Id,
            team.Name,
            team.Status,
            team.Footprint.IsEmpty ? "" : AreaOf(team.Footprint[0].Value),
            team.Caseload.Count,
            team.Capacity,
            team.Members.Count,
            Math.Round(fte, 2),
            fte > 0 ? Math.Round(team.Caseload.Count / fte, 2) : null,
            team.Policy.MinMembersForSafeStaffing,
            team.Policy.SplitSuggestedAboveMembers,
            waiting.Count,
            waiting.Count == 0 ? null : Math.Round((now - waiting.Min(r => r.ReceivedAt)).TotalDays, 2),
            PeriodCounts.Of(team, dischargedAt, now - TimeSpan.FromDays(7)),
            PeriodCounts.Of(team, dischargedAt, now - TimeSpan.FromDays(28)),
            Round(ContinuityIndex.Median(clients.Select(c => ContinuityIndex.Upc(c.VisitsPerNurse)))),
            Round(ContinuityIndex.Median(clients.Select(c => ContinuityIndex.Coc(c.VisitsPerNurse)))),
            recorded == 0 ? null : Round((double)clients.Sum(c => c.DirectCareMinutes) / recorded),
            team.Caseload.Count(c => c.ActiveFlags.Contains(CaseloadFlag.ReviewDue)),
            onCallCalls,
            now,
            OutcomeShift.Over((outcomes ?? []).Where(o => o.At >= now - TimeSpan.FromDays(28))));
    }

    /// <summary>The letters a postcode begins with ("E" for E3 2, "IP" for IP33): the default region of a team.</summary>
    public static string AreaOf(string postcode) => new([.. postcode.TakeWhile(char.IsLetter).Select(char.ToUpperInvariant)]);

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}

/// <summary>The team's decisions in a window: admissions, declines (by reason code) and discharges.</summary>
public sealed record PeriodCounts(int Admissions, int Declines, int Discharges, ImmutableSortedDictionary<string, int> DeclinesByReason)
{
    public static readonly PeriodCounts None = new(0, 0, 0, ImmutableSortedDictionary<string, int>.Empty);

    public static PeriodCounts Of(Team team, IReadOnlyCollection<DateTimeOffset> discharges, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(team);
        var decided = team.Referrals.Where(r => r.DecidedAt >= since).ToList();
        var declined = decided.Where(r => r.Status == ReferralStatus.Declined).ToList();
        return new PeriodCounts(
            decided.Count(r => r.Status == ReferralStatus.Admitted),
            declined.Count,
            discharges.Count(at => at >= since),
            declined.GroupBy(r => DeclineReasons.Code(r.DeclineReason ?? DeclineReason.TeamChoice))
                .ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }
}

/// <summary>
/// One client's current episode as the figures need it: visit counts per nurse (without who), direct-care and
/// recorded minutes. Nothing in it identifies the client.
/// </summary>
public sealed record ClientCare(ImmutableArray<int> VisitsPerNurse, int DirectCareMinutes, int RecordedMinutes);

/// <summary>
/// What a team keeps of one client on its caseload for its figures, as the client's record tells it: the open episode's
/// visits by nurse (nurse ids only) and minutes. Nothing in it identifies the client; the team holds it by client id.
/// </summary>
public sealed record EpisodeCare(string EpisodeId, ImmutableSortedDictionary<string, int> VisitsByNurse, int DirectCareMinutes, int RecordedMinutes)
{
    /// <summary>The open episode's care in a record; null when the client is on no caseload.</summary>
    public static EpisodeCare? Of(Records.CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.OpenEpisode is not { } episode) return null;
        // From the episode's tally: every visit of the episode, not only those the record keeps.
        var tally = record.Tally;
        return new EpisodeCare(episode.EpisodeId, tally.VisitsByNurse.ToImmutableSortedDictionary(StringComparer.Ordinal),
            tally.PlannedDirectMinutes, tally.PlannedMinutes);
    }

    /// <summary>The same as counts and minutes, without who made the visits.</summary>
    public ClientCare Figures() => new([.. VisitsByNurse.Values], DirectCareMinutes, RecordedMinutes);

    /// <summary>Whether two summaries say the same (a record with value equality would compare the dictionaries by reference).</summary>
    public bool SameAs(EpisodeCare? other) =>
        other is not null && EpisodeId == other.EpisodeId && DirectCareMinutes == other.DirectCareMinutes
        && RecordedMinutes == other.RecordedMinutes && VisitsByNurse.Count == other.VisitsByNurse.Count
        && VisitsByNurse.All(v => other.VisitsByNurse.TryGetValue(v.Key, out var n) && n == v.Value);
}

/// <summary>
/// The outcome of one discharge: over the problems rated at least twice in the episode, the mean change from the first
/// to the final Knowledge, Behaviour and Status rating (Omaha Problem Rating Scale; positive is better).
/// </summary>
public sealed record DischargeOutcome(DateTimeOffset At, int Problems, double Knowledge, double Behaviour, double Status);

/// <summary>Mean outcome change per rated problem over a set of discharges.</summary>
public sealed record OutcomeShift(int Discharges, int Problems, double Knowledge, double Behaviour, double Status)
{
    public static OutcomeShift? Over(IEnumerable<DischargeOutcome> outcomes)
    {
        var rated = outcomes.Where(o => o.Problems > 0).ToList();
        var problems = rated.Sum(o => o.Problems);
        if (problems == 0) return null;
        double Mean(Func<DischargeOutcome, double> scale) => Math.Round(rated.Sum(o => scale(o) * o.Problems) / problems, 3);
        return new OutcomeShift(rated.Count, problems, Mean(o => o.Knowledge), Mean(o => o.Behaviour), Mean(o => o.Status));
    }
}
