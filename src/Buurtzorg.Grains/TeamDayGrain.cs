using System.Collections.Immutable;
using System.Globalization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.team-day-state")]
public sealed class TeamDayState : GrainState<TeamDayState>
{
    [Id(0)] public DayPlan? Plan { get; set; }
    [Id(1)] public RequestLog Requests { get; set; } = RequestLog.Empty;
}

/// <summary>
/// One team's day: the daily caseload review reads the team, each client's visits due and recent visitors, and the
/// night before, and plans the day; the team may move visits until the day starts.
/// </summary>
[GrainType("buurtzorg.team-day")]
public sealed class TeamDayGrain(
    [PersistentState("team-day", BuurtzorgStorage.Name)] IPersistentState<TeamDayState> state,
    CallerSeal seal,
    IAuditTrail audit,
    CareClock clock) : Grain, ITeamDayGrain, ITeamOwned
{
    private string TeamId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];

    private DateOnly Day => DateOnly.ParseExact(this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().LastIndexOf('/') + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public bool Exists => true;

    public string? OwningTeamId => TeamId;

    public async Task<IReadOnlyList<DueVisit>> VisitsDue()
    {
        var (_, days, lastNight) = await Gather();
        return Domain.Planning.VisitsDue.OfTeamDay(days.SelectMany(d => d.Due), lastNight);
    }

    public async Task<DayPlan> Review(string requestId)
    {
        if (state.State.Requests.Contains(requestId) && state.State.Plan is { } done) return done;
        DayPlanner.Plannable(Day, clock.Today);
        var (team, days, lastNight) = await Gather();
        var plan = DayPlanner.Plan(team, DutyRota.Default(team, Day), days.SelectMany(d => d.Due), days.SelectMany(d => d.Recent), lastNight);
        await Save(requestId, plan);
        return plan;
    }

    public async Task<DayPlan> Reassign(string requestId, string visitId, string nurseId)
    {
        var plan = Current;
        if (state.State.Requests.Contains(requestId)) return plan;
        var changed = plan.Reassign(visitId, nurseId, seal.Current()?.Subject ?? "team", clock.LocalNow);
        await Save(requestId, changed);
        return changed;
    }

    public Task<DayPlan> Get() => Task.FromResult(Current);

    public Task<IReadOnlyList<PlannedVisit>> NextVisits(TimeOnly from) => Task.FromResult<IReadOnlyList<PlannedVisit>>(
        state.State.Plan is { } plan
            ? [.. plan.Assigned.Where(v => v.Start >= from).GroupBy(v => v.Visit.ClientId, StringComparer.Ordinal).Select(g => g.MinBy(v => v.Start)!)]
            : []);

    /// <summary>
    /// The plan as reviewed (never planned afresh by a nurse's read), the records of her clients read together, and one
    /// audit line per record read, all in one write before she sees any of it: a day she could not be audited reading
    /// is refused whole (UNAVAILABLE), as a single record's read is.
    /// </summary>
    public async Task<MyDay> MyDay()
    {
        if (seal.Current() is not { Role: Role.Nurse } caller)
            throw new RuleRefusedException(RuleViolation.PermissionDenied, "Only a nurse has a day of visits.", "PERMISSION_DENIED");
        var plan = state.State.Plan ?? throw CareRuleException.Precondition(
            "The team has not reviewed this day yet, so no visits are planned on it: ask the team to review the day.", "DAY_NOT_PLANNED");
        var visits = plan.Assigned.Where(v => v.NurseId == caller.Subject)
            .OrderBy(v => v.Start).ThenBy(v => v.Visit.VisitId, StringComparer.Ordinal).ToImmutableList();
        var clients = visits.Select(v => v.Visit.ClientId).Distinct(StringComparer.Ordinal);
        var sheets = (await Task.WhenAll(clients.Select(c => GrainFactory.GetGrain<IClientGrain>(c).Sheet(TeamId))))
            .OfType<ClientSheet>().ToImmutableList();
        var at = clock.LocalNow;
        await audit.RecordAll([.. sheets.Select(s => new AccessRecord(at, s.ClientId, caller.Subject, caller.Role, caller.TeamId, ReadForDay, caller.Reason))]);
        return new MyDay(TeamId, Day, caller.Subject, visits, sheets);
    }

    /// <summary>How a read of a record for the nurse's day shows in the record's audit trail.</summary>
    public const string ReadForDay = "read record (my day)";

    private DayPlan Current => state.State.Plan
        ?? throw CareRuleException.NotFound("The day has not been reviewed yet: review the caseload to plan it.");

    /// <summary>
    /// What the day is planned from, read the same way for the list of visits due and for the review, so the two
    /// always agree: the team, each client's day, and the night before (whose calls may have added visits).
    /// </summary>
    private async Task<(Domain.Teams.Team Team, ClientDay[] Days, Domain.OnCall.NightReview LastNight)> Gather()
    {
        var team = await GrainFactory.GetGrain<ITeamGrain>(TeamId).Get();
        var days = await Task.WhenAll(team.Caseload.Select(c => GrainFactory.GetGrain<IClientGrain>(c.ClientId).Day(Day)));
        var lastNight = await GrainFactory.GetGrain<IOnCallGrain>(TeamId).Review(Day.AddDays(-1));
        return (team, days, lastNight);
    }

    private Task Save(string requestId, DayPlan plan) =>
        state.Commit(s => (s.Plan, s.Requests) = (plan, s.Requests.Add(requestId, clock.GetUtcNow())));
}
