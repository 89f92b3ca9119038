using System.Collections.Immutable;
using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Common;
using Microsoft.Extensions.Options;

namespace Buurtzorg.Grains;

/// <summary>
/// The organisation's own row: which teams have figures (one id per team, never more). Each team's figures, alerts
/// and region are a row of their own (<see cref="TeamFiguresGrain"/>).
/// </summary>
[GenerateSerializer, Alias("buurtzorg.organisation-state")]
public sealed class OrganisationState
{
    // Ids 0–2: the format before one row per team, when this row held every team's figures. Read once, on the first
    // activation after the upgrade, moved into the teams' rows, and written back empty.
    [Id(0)] public Dictionary<string, TeamFigures> Teams { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, ImmutableList<Alert>> Alerts { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public Dictionary<string, string> Regions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every team with a row of figures: bounded by the teams, not by time.</summary>
    [Id(3)] public ImmutableSortedSet<string> TeamIds { get; set; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
}

/// <summary>
/// The latest figures of every team, and their alerts, in memory: every read is answered from here. Teams push;
/// this grain never calls a team. Changes are written behind (at most every <see cref="CentralOfficeOptions.FlushDelay"/>),
/// one small row per team changed (<see cref="TeamFiguresGrain"/>), since a lost change is republished by its team at
/// its next change or refresh. On activation the aggregate is rebuilt from the teams' rows.
/// </summary>
[GrainType("buurtzorg.organisation")]
public sealed class OrganisationGrain(
    [PersistentState("central-office-organisation", BuurtzorgStorage.Name)] IPersistentState<OrganisationState> state,
    IOptions<CentralOfficeOptions> options,
    CareClock clock) : Grain, IOrganisationGrain
{
    private const int ChangesKept = 2000;

    private readonly Guid _epoch = Guid.NewGuid();
    private readonly LinkedList<OrganisationChange> _changes = new();
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IGrainTimer? _flush;
    private readonly Dictionary<string, TeamFigures> _teams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableList<Alert>> _alerts = new(StringComparer.Ordinal);
    /// <summary>Regions the central office assigned; a team not in here is in its postcode area.</summary>
    private readonly Dictionary<string, string> _regions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unwritten = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = state.State;
        var rows = await Task.WhenAll(stored.TeamIds.Select(id => GrainFactory.GetGrain<ITeamFiguresGrain>(id).Get()));
        foreach (var row in rows.OfType<StoredTeamFigures>())
        {
            var id = row.Figures.TeamId;
            _teams[id] = row.Figures;
            if (!row.Alerts.IsEmpty) _alerts[id] = row.Alerts;
            if (row.Region is { } region) _regions[id] = region;
        }
        if (stored.Teams.Count > 0)
        {
            // Figures in the organisation's own row: stored before one row per team, or written there as the last
            // activation stopped (no other grain is called then). Newer than the teams' rows; written out as rows at
            // the first flush.
            foreach (var (id, figures) in stored.Teams) _teams[id] = figures;
            foreach (var (id, alerts) in stored.Alerts) _alerts[id] = alerts;
            foreach (var (id, region) in stored.Regions) _regions[id] = region;
            _unwritten.UnionWith(stored.Teams.Keys);
            _flush = this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    private AlertThresholds Thresholds => options.Value.Alerts;

    public Task Publish(TeamFigures figures)
    {
        Apply(figures);
        return Task.CompletedTask;
    }

    private void Apply(TeamFigures figures)
    {
        var teams = _teams;
        if (teams.TryGetValue(figures.TeamId, out var known) && known.AsOf > figures.AsOf) return; // arrived late
        var open = _alerts.GetValueOrDefault(figures.TeamId) ?? [];
        var alerts = AlertRules.Evaluate(figures, Thresholds, open);
        teams[figures.TeamId] = figures;
        if (alerts.IsEmpty) _alerts.Remove(figures.TeamId);
        else _alerts[figures.TeamId] = alerts;

        var raised = alerts.Where(a => open.All(o => o.Kind != a.Kind)).ToList();
        var cleared = open.Where(o => alerts.All(a => a.Kind != o.Kind)).ToList();
        _unwritten.Add(figures.TeamId);
        _changes.AddLast(new OrganisationChange(++_version, Row(figures.TeamId), raised, cleared));
        if (_changes.Count > ChangesKept) _changes.RemoveFirst();
        var changed = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();

        _flush ??= this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(options.Value.FlushDelay, Timeout.InfiniteTimeSpan));
    }

    public Task<OrganisationOverview> Overview()
    {
        var teams = _teams.Values.ToList();
        var regions = teams.GroupBy(t => RegionOf(t.TeamId), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => OrganisationTotals.Of(g.Key, g.ToList(), AlertCount)).ToList();
        return Task.FromResult(new OrganisationOverview(OrganisationTotals.Of("", teams, AlertCount), regions, clock.GetUtcNow()));
    }

    public Task<TeamPage> Teams(TeamQuery query)
    {
        if (query.Limit is < 1 or > 1000) throw CareRuleException.Invalid("A page holds 1 to 1000 teams.");
        if (query.Offset < 0) throw CareRuleException.Invalid("The offset must not be negative.");
        var rows = _teams.Values
            .Where(t => query.Region is not { Length: > 0 } region || RegionOf(t.TeamId) == region)
            .Where(t => query.Alert is not { } kind || AlertsOf(t.TeamId).Any(a => a.Kind == kind))
            .ToList();
        var page = TeamSort.Sort(rows, t => t, t => AlertCount(t.TeamId), query.SortBy, query.Descending)
            .Skip(query.Offset).Take(query.Limit).Select(t => Row(t.TeamId)).ToList();
        return Task.FromResult(new TeamPage(page, rows.Count));
    }

    public Task<TeamRow?> Team(string teamId) =>
        Task.FromResult(_teams.ContainsKey(teamId) ? Row(teamId) : null);

    public Task<IReadOnlyList<Alert>> Alerts(string? region) =>
        Task.FromResult<IReadOnlyList<Alert>>(_alerts
            .Where(kv => region is not { Length: > 0 } || RegionOf(kv.Key) == region)
            .SelectMany(kv => kv.Value).OrderBy(a => a.RaisedAt).ThenBy(a => a.TeamId, StringComparer.Ordinal).ToList());

    public Task<TeamRow> AssignRegion(string teamId, string region)
    {
        var name = Text.Required(region, "Region", 60);
        if (!_teams.TryGetValue(teamId, out var figures)) throw CareRuleException.NotFound("No team has published figures under this id.");
        _regions[teamId] = name;
        Apply(figures);
        return Task.FromResult(Row(teamId));
    }

    public async Task<ChangeBatch> Changes(Guid epoch, long version, TimeSpan wait)
    {
        if (epoch != _epoch || (version < _version && (_changes.First is null || _changes.First.Value.Version > version + 1)))
            return new ChangeBatch(_epoch, _version, Reset: true, []);
        if (version >= _version)
        {
            var changed = _changed.Task;
            await Task.WhenAny(changed, Task.Delay(wait < TimeSpan.FromSeconds(20) ? wait : TimeSpan.FromSeconds(20)));
        }
        return new ChangeBatch(_epoch, _version, Reset: false, _changes.Where(c => c.Version > version).ToList());
    }

    /// <summary>
    /// Keeps what is not yet written in the organisation's own row: calls to the teams' rows may no longer be answered
    /// while the silo stops, a write of its own state is. The next activation takes it over (see OnActivateAsync).
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            if (_unwritten.Count > 0)
            {
                var ids = _unwritten.ToList();
                state.State.Teams = ids.ToDictionary(id => id, id => _teams[id], StringComparer.Ordinal);
                state.State.Alerts = ids.Where(_alerts.ContainsKey).ToDictionary(id => id, id => _alerts[id], StringComparer.Ordinal);
                state.State.Regions = ids.Where(_regions.ContainsKey).ToDictionary(id => id, id => _regions[id], StringComparer.Ordinal);
                state.State.TeamIds = state.State.TeamIds.Union(ids);
                await state.WriteStateAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (reason.ReasonCode is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.ApplicationRequested)
        {
            // Best effort while the silo stops (in memory, the storage may already be gone): teams publish again.
            _ = e;
        }
        _flush?.Dispose();
        _changed.TrySetResult(); // watchers waiting on this activation answer now, and start over on the next
    }

    private async Task Flush(CancellationToken cancellation)
    {
        // The timer is disposed after the write: disposing it first would cancel the write it is running.
        var timer = _flush;
        _flush = null;
        try
        {
            var teams = _unwritten.ToList();
            await Task.WhenAll(teams.Select(id => GrainFactory.GetGrain<ITeamFiguresGrain>(id)
                .Store(new StoredTeamFigures(_teams[id], AlertsOf(id), _regions.GetValueOrDefault(id)))));
            _unwritten.ExceptWith(teams);
            var known = state.State.TeamIds.Union(teams);
            if (known.Count != state.State.TeamIds.Count || state.State.Teams.Count > 0)
            {
                (state.State.TeamIds, state.State.Teams, state.State.Alerts, state.State.Regions) = (known, new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
                await state.WriteStateAsync(CancellationToken.None);
            }
        }
        finally
        {
            timer?.Dispose();
        }
    }

    private TeamRow Row(string teamId) => new(_teams[teamId], RegionOf(teamId), AlertsOf(teamId));

    private string RegionOf(string teamId) =>
        _regions.GetValueOrDefault(teamId) ?? _teams.GetValueOrDefault(teamId)?.Area ?? "";

    private ImmutableList<Alert> AlertsOf(string teamId) => _alerts.GetValueOrDefault(teamId) ?? [];

    private int AlertCount(string teamId) => AlertsOf(teamId).Count;
}

[GenerateSerializer, Alias("buurtzorg.team-history-state")]
public sealed class TeamHistoryState
{
    /// <summary>
    /// Days as stored before one row per month (up to 400 in this one row): still read, never added to, and let go
    /// once all of them are older than <see cref="ITeamHistoryGrain.DaysKept"/>.
    /// </summary>
    [Id(0)] public ImmutableList<DayFigures> Days { get; set; } = [];

    /// <summary>The first day of the latest month recorded: where reading back starts.</summary>
    [Id(1)] public DateOnly? LatestMonth { get; set; }
}

/// <summary>
/// A team's figures as they stood at the end of each day (the last published that day), one row per month
/// (<see cref="TeamMonthGrain"/>): a publish rewrites at most that month's days, never the team's whole history.
/// This grain's own row changes once a month, when it also lets go of the month that has left the
/// <see cref="ITeamHistoryGrain.DaysKept"/> window; so a team holds at most <see cref="MonthsKept"/> month rows.
/// </summary>
[GrainType("buurtzorg.team-history")]
public sealed class TeamHistoryGrain(
    [PersistentState("central-office-team-history", BuurtzorgStorage.Name)] IPersistentState<TeamHistoryState> state) : Grain, ITeamHistoryGrain
{
    /// <summary>Enough months to hold <see cref="ITeamHistoryGrain.DaysKept"/> days, whatever day of the month it is.</summary>
    public const int MonthsKept = (ITeamHistoryGrain.DaysKept / 28) + 1;

    private string TeamId => this.GetPrimaryKeyString();

    public async Task Record(TeamFigures figures)
    {
        var day = CareTime.DateOf(figures.AsOf); // AsOf carries the organisation's offset
        var month = MonthOf(day);
        if (state.State.LatestMonth is { } latest && latest > month) return; // arrived late
        await Month(month).Record(new DayFigures(day, figures));
        if (state.State.LatestMonth == month) return;

        // A new month: the months that have left the window are let go, and so are the old row's days.
        // Rows can exist only for the months kept back from the previous latest one.
        if (state.State.LatestMonth is { } previous)
        {
            for (var gone = previous.AddMonths(1 - MonthsKept); gone <= previous && gone <= month.AddMonths(-MonthsKept); gone = gone.AddMonths(1))
                await Month(gone).Forget();
        }
        var oldest = day.AddDays(-ITeamHistoryGrain.DaysKept);
        state.State.Days = state.State.Days.RemoveAll(d => d.Day <= oldest);
        state.State.LatestMonth = month;
        await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<DayFigures>> Days(int count)
    {
        var newestFirst = new List<DayFigures>();
        if (state.State.LatestMonth is { } latest)
        {
            for (var back = 0; back < MonthsKept && newestFirst.Count < count; back++)
                newestFirst.AddRange((await Month(latest.AddMonths(-back)).Days()).Reverse());
        }
        var earliest = newestFirst.Count == 0 ? DateOnly.MaxValue : newestFirst[^1].Day;
        newestFirst.AddRange(state.State.Days.Where(d => d.Day < earliest).Reverse());
        return [.. newestFirst.Take(count).Reverse()];
    }

    private ITeamMonthGrain Month(DateOnly month) => GrainFactory.GetGrain<ITeamMonthGrain>(ITeamMonthGrain.Key(TeamId, month));

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);
}

[GenerateSerializer, Alias("buurtzorg.team-month-state")]
public sealed class TeamMonthState
{
    /// <summary>The month's days in order, at most 31.</summary>
    [Id(0)] public ImmutableList<DayFigures> Days { get; set; } = [];
}

/// <summary>One month of a team's day figures (key: <see cref="ITeamMonthGrain.Key"/>): one small row.</summary>
[GrainType("buurtzorg.team-month")]
public sealed class TeamMonthGrain(
    [PersistentState("central-office-team-month", BuurtzorgStorage.Name)] IPersistentState<TeamMonthState> state) : Grain, ITeamMonthGrain
{
    public async Task Record(DayFigures day)
    {
        var days = state.State.Days;
        if (!days.IsEmpty && days[^1].Day > day.Day) return;
        state.State.Days = !days.IsEmpty && days[^1].Day == day.Day ? days.SetItem(days.Count - 1, day) : days.Add(day);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DayFigures>> Days() => Task.FromResult<IReadOnlyList<DayFigures>>(state.State.Days);

    public async Task Forget()
    {
        if (state.RecordExists) await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

[GenerateSerializer, Alias("buurtzorg.team-figures-state")]
public sealed class TeamFiguresState
{
    [Id(0)] public StoredTeamFigures? Row { get; set; }
}

/// <summary>One team's latest figures, open alerts and region as the central office keeps them (key: team id).</summary>
[GrainType("buurtzorg.team-figures")]
public sealed class TeamFiguresGrain(
    [PersistentState("central-office-team-figures", BuurtzorgStorage.Name)] IPersistentState<TeamFiguresState> state) : Grain, ITeamFiguresGrain
{
    public async Task Store(StoredTeamFigures row)
    {
        state.State.Row = row;
        await state.WriteStateAsync();
    }

    public Task<StoredTeamFigures?> Get() => Task.FromResult(state.State.Row);
}
