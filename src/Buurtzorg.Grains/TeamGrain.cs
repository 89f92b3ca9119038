using System.Collections.Immutable;
using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Microsoft.Extensions.Options;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.team-state")]
public sealed class TeamState : GrainState<TeamState>
{
    [Id(0)] public Team? Team { get; set; }
    [Id(1)] public RequestLog Requests { get; set; } = RequestLog.Empty;
    [Id(2)] public ImmutableList<DischargeNote> Discharges { get; set; } = [];

    /// <summary>What each client on the caseload last reported of its episode's care (never more than the caseload).</summary>
    [Id(3)] public ImmutableDictionary<string, ReportedCare> Care { get; set; } = ImmutableDictionary<string, ReportedCare>.Empty;
}

/// <summary>A client's latest report of its episode's care, and its place in the record's journal.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.reported-care")]
public sealed record ReportedCare([property: Id(0)] long Version, [property: Id(1)] EpisodeCare Care);

/// <summary>A discharge the team made, kept so that a retried discharge answers the same.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.discharge-note")]
public sealed record DischargeNote(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DischargeOutcome? Outcome = null)
{
    /// <summary>Kept this long (the figures count discharges over 28 days), and at most <see cref="MaxKept"/>.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(31);

    public const int MaxKept = 200;
}

[GrainType("buurtzorg.team")]
public sealed class TeamGrain(
    [PersistentState("team", BuurtzorgStorage.Name)] IPersistentState<TeamState> state,
    Security.CallerSeal seal,
    CareClock clock,
    IOptions<CentralOfficeOptions> options) : Grain, ITeamGrain, IIncomingGrainCallFilter
{
    private FiguresPublisher? _figures;
    private IGrainTimer? _careWrite;
    private bool _careUnwritten;

    private string TeamId => this.GetPrimaryKeyString();

    // The central office's figures: published after each change, debounced (CentralOffice/FiguresPublisher.cs).
    private FiguresPublisher Figures => _figures ??= new FiguresPublisher(this, () => state.State, CaseloadCare, ServiceProvider);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Figures.Start();
        return Task.CompletedTask;
    }

    private Team Current => state.State.Team ?? throw CareRuleException.NotFound("No team has this id.");

    private DateTimeOffset Now => clock.LocalNow;

    private DateOnly Today => clock.Today;

    public async Task<Team> Apply(string requestId, ApplyTeamCommand command)
    {
        if (state.State.Team is { } existing) return existing;
        var team = Domain.Teams.Team.Apply(TeamId, command.Name, command.Footprint, command.GpPractices, command.Policy, Now);
        await Save(requestId, team);
        return team;
    }

    public Task<Team> Approve(string requestId) => Change(requestId, team => team.Approve());

    public async Task<Team> Close(string requestId)
    {
        var closed = await Change(requestId, team => team.Close());
        // Released after the decision is recorded, and again on every retry, so an interrupted close converges.
        await Task.WhenAll(closed.Members.Select(m => GrainFactory.GetGrain<INurseGrain>(m.NurseId).LeaveTeam(TeamId)));
        return closed;
    }

    public Task<Team> Get() => Task.FromResult(Current);

    public Task<Team> SetPolicy(string requestId, CapacityPolicy policy) => Change(requestId, team => team.WithPolicy(policy));

    public async Task<Team> Join(string requestId, string nurseId)
    {
        var team = Current;
        if (state.State.Requests.Contains(requestId)) return team;
        if (team.Status == TeamStatus.Closed) throw CareRuleException.Precondition("The team is closed.", "TEAM_CLOSED");
        var nurse = GrainFactory.GetGrain<INurseGrain>(nurseId);
        // The nurse grain arbitrates "one team at a time"; the team records the member after.
        var profile = await nurse.JoinTeam(TeamId);
        var member = team.Member(nurseId) ?? new TeamMember(profile.Id, profile.DisplayName, profile.Role, profile.HoursPerWeek, profile.Skills, Now, []);
        var joined = team.Join(member);
        await Save(requestId, joined);
        return joined;
    }

    public async Task<(Team Team, Departure Departure)> Leave(string requestId, string nurseId)
    {
        var (team, departure) = Current.Leave(nurseId, requestId, Now);
        if (team != Current) await Save(requestId, team);
        // Told after the decision is recorded; a retry with the same request id tells it again.
        await GrainFactory.GetGrain<INurseGrain>(nurseId).LeaveTeam(TeamId);
        return (team, departure);
    }

    public async Task<(Team Team, IReadOnlyList<Handover> Handovers)> StartLeave(string requestId, string nurseId, LeavePeriod period)
    {
        if (state.State.Requests.Contains(requestId)) return (Current, []);
        // Leave that has already begun is the coach's to record (sickness nobody could report in time).
        var (team, handovers) = Current.StartLeave(nurseId, period, Now, seal.Current()?.Role == Security.Role.Coach);
        await Save(requestId, team);
        return (team, handovers);
    }

    public Task<Team> EndLeave(string requestId, string nurseId) => Change(requestId, team => team.EndLeave(nurseId, Now));

    public async Task<Referral> Refer(string requestId, ReferCommand command)
    {
        var team = Current;
        team.EnsureActive();
        var referralId = Ids.Derive("ref", requestId);
        if (team.Referral(referralId) is { } known) return known;

        var needs = command.Needs.ToImmutableSortedSet();
        var clientId = await GrainFactory.GetGrain<INhsIndexGrain>(NhsIndexGrain.BucketOf(command.NhsNumber)).Resolve(command.NhsNumber);
        var referral = new Referral(referralId, clientId, command.Source, needs, command.Details.Postcode.Sector, Now, ReferralStatus.Waiting, null, null);
        var referred = team.Refer(referral);
        await GrainFactory.GetGrain<IClientGrain>(clientId).ReceiveReferral(new ReferralReceived(
            Ids.Derive("rr", referralId), Now, command.RecordedBy, referralId, TeamId, command.Source, command.Details, needs, command.NhsNumber));
        await Save(requestId, referred);
        return referral;
    }

    public Task<IReadOnlyList<Referral>> Referrals(ReferralStatus? status) =>
        Task.FromResult<IReadOnlyList<Referral>>(Current.Referrals.Where(r => status is null || r.Status == status).ToList());

    public async Task<CaseloadEntry> Admit(string requestId, string referralId, string? namedNurseId, string? backupNurseId)
    {
        var (team, entry) = Current.Admit(referralId, Now, namedNurseId, backupNurseId);
        var referral = team.Referral(referralId)!;
        // The record says whether the client is on another team's caseload; it opens the episode atomically.
        await GrainFactory.GetGrain<IClientGrain>(entry.ClientId).OpenEpisode(
            new EpisodeOpened(Ids.Derive("adm", referralId), entry.AdmittedAt, TeamId, EpisodeId(referralId), TeamId, referralId, referral.Source, entry.Needs));
        if (team != Current) await Save(requestId, team);
        return entry;
    }

    public Task<Referral> Decline(string requestId, string referralId, DeclineReason reason) =>
        ChangeAndSelect(requestId, team => team.Decline(referralId, reason, Now), team => team.Referral(referralId)!);

    public async Task<DateTimeOffset> Discharge(string requestId, DischargeCommand command)
    {
        if (state.State.Discharges.Find(d => d.RequestId == requestId && d.ClientId == command.ClientId) is { } done) return done.At;
        var entry = Current.CaseloadOf(command.ClientId)
            ?? throw CareRuleException.Precondition("The client is not on this team's caseload, so there is nothing to discharge.", "NOT_ON_CASELOAD");
        var (team, _) = Current.Discharge(command.ClientId);
        var at = Now;
        // The record validates the final ratings and closes the episode first; a retry finds it closed and goes on.
        var outcome = await GrainFactory.GetGrain<IClientGrain>(command.ClientId).CloseEpisode(new EpisodeClosed(
            Ids.Derive("dis", requestId), at, command.RecordedBy, EpisodeId(entry.ReferralId), command.Reason, command.Summary,
            command.FinalRatings.Select(r => new ProblemRating(r.ProblemId, r.Rating)).ToImmutableList()));
        await Save(requestId, team, new DischargeNote(command.ClientId, requestId, at, outcome));
        return at;
    }

    public Task<CaseloadEntry> Reassign(string requestId, string clientId, string namedNurseId, string? backupNurseId) =>
        ChangeAndSelect(requestId, team => team.Reassign(clientId, namedNurseId, backupNurseId, Now), team => team.CaseloadOf(clientId)!);

    public async Task Flag(string clientId, CaseloadFlag flag, bool raised)
    {
        if (state.State.Team is not { } team) return;
        var flagged = team.Flag(clientId, flag, raised);
        if (!ReferenceEquals(flagged, team)) await Save(null, flagged);
    }

    public Task<bool?> IsMember(string nurseId) =>
        Task.FromResult(Roster is { } team ? team.Member(nurseId) is not null : (bool?)null);

    /// <summary>The team as it stands, for the access rules to check a caller against its members (null: no team).</summary>
    internal Team? Roster => state.State.Team;

    /// <summary>From what each client last reported (<see cref="ClientCareChanged"/>): no record is asked.</summary>
    public Task<TeamContinuity> Continuity()
    {
        var clients = Current.Caseload.Select(entry =>
        {
            var byNurse = CareOf(entry)?.VisitsByNurse ?? ImmutableSortedDictionary<string, int>.Empty;
            var visits = byNurse.Values.Sum();
            double? namedShare = visits == 0 ? null : (double)byNurse.GetValueOrDefault(entry.NamedNurseId) / visits;
            return new ClientContinuity(entry.ClientId, entry.NamedNurseId, visits,
                ContinuityIndex.Upc(byNurse.Values), ContinuityIndex.Coc(byNurse.Values), namedShare);
        }).ToList();
        return Task.FromResult(new TeamContinuity(clients, ContinuityIndex.Median(clients.Select(c => c.Upc)), ContinuityIndex.Median(clients.Select(c => c.Coc))));
    }

    /// <summary>
    /// Kept in memory at once and written with the team's next write, or <see cref="CentralOfficeOptions.CareWriteDelay"/>
    /// later, or as the team deactivates, whichever comes first: a busy caseload's visits cost the team one write per
    /// delay, not one per visit. After a crash the team has its figures as of its last write, and each client's next
    /// report (which carries its whole episode) puts that client right again.
    /// </summary>
    public Task ClientCareChanged(string clientId, long version, EpisodeCare? care)
    {
        if (state.State.Team?.CaseloadOf(clientId) is not { } entry) return Task.CompletedTask; // not, or no longer, ours
        var known = state.State.Care.GetValueOrDefault(clientId);
        if (known is not null && known.Version >= version) return Task.CompletedTask; // arrived after a later one
        if (care is null || care.EpisodeId != EpisodeId(entry.ReferralId)) return Task.CompletedTask; // another episode's
        state.State.Care = state.State.Care.SetItem(clientId, new ReportedCare(version, care));
        _careUnwritten = true;
        _careWrite ??= this.RegisterGrainTimer(WriteCare, new GrainTimerCreationOptions(options.Value.CareWriteDelay, Timeout.InfiniteTimeSpan));
        Figures.Changed();
        return Task.CompletedTask;
    }

    /// <summary>The care figures each client on the caseload last reported, for the central office's figures.</summary>
    internal IReadOnlyList<ClientCare> CaseloadCare() =>
        state.State.Team is { } team ? [.. team.Caseload.Select(c => CareOf(c)?.Figures() ?? new ClientCare([], 0, 0))] : [];

    private EpisodeCare? CareOf(CaseloadEntry entry) =>
        state.State.Care.GetValueOrDefault(entry.ClientId) is { } reported && reported.Care.EpisodeId == EpisodeId(entry.ReferralId)
            ? reported.Care : null;

    private async Task WriteCare(CancellationToken cancellation)
    {
        // The timer is disposed after the write: disposing it first would cancel the write it is running.
        var timer = _careWrite;
        _careWrite = null;
        try
        {
            if (!_careUnwritten) return; // a write since took the reports with it
            await state.Commit(_ => { });
            _careUnwritten = false;
        }
        finally
        {
            timer?.Dispose();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_careUnwritten) return;
        try
        {
            await state.Commit(_ => { });
            _careUnwritten = false;
        }
        catch (Exception e) when (reason.ReasonCode is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.ApplicationRequested)
        {
            // The silo is stopping and storage may be gone: the figures are those of the last write, and each client's
            // next report puts its own right.
            _ = e;
        }
    }

    /// <summary>
    /// Leave planned earlier begins without anyone calling: before each call the team hands over the clients of members
    /// whose leave has started, as it does when leave is recorded for today.
    /// </summary>
    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        // Once a day is enough: recording leave and a member leaving repair the assignments themselves. Never in an
        // interleaved membership check, which may run while another call is saving.
        if (context.InterfaceMethod?.Name != nameof(IsMember)
            && _repairedOn != Today && state.State.Team is { Status: TeamStatus.Active } team)
        {
            var (repaired, handovers) = Assignment.Repair(team, Today);
            if (!handovers.IsEmpty) await Save(null, repaired);
            _repairedOn = Today;
        }
        await context.Invoke();
    }

    private DateOnly? _repairedOn;

    private static string EpisodeId(string referralId) => Ids.Derive("ep", referralId);

    private Task<Team> Change(string requestId, Func<Team, Team> change) => ChangeAndSelect(requestId, change, team => team);

    private async Task<T> ChangeAndSelect<T>(string requestId, Func<Team, Team> change, Func<Team, T> select)
    {
        var team = Current;
        if (state.State.Requests.Contains(requestId)) return select(team);
        var changed = change(team);
        if (changed != team) await Save(requestId, changed);
        return select(changed);
    }

    /// <summary>
    /// Writes the team, the request id it answers and, for a discharge, its note; tidied on the way (decided referrals,
    /// discharge notes and past leave out of their windows, care only for the caseload), so the state stays bounded.
    /// </summary>
    private async Task Save(string? requestId, Team team, DischargeNote? discharge = null)
    {
        var (now, utc) = (Now, clock.GetUtcNow());
        await state.Commit(s =>
        {
            s.Team = team.Tidy(now);
            if (requestId is not null) s.Requests = s.Requests.Add(requestId, utc);
            var discharges = discharge is null ? s.Discharges : s.Discharges.Add(discharge);
            discharges = discharges.RemoveAll(d => d.At < now - DischargeNote.Kept);
            s.Discharges = discharges.Count > DischargeNote.MaxKept ? discharges.RemoveRange(0, discharges.Count - DischargeNote.MaxKept) : discharges;
            var gone = s.Care.Keys.Where(c => s.Team.CaseloadOf(c) is null).ToList();
            if (gone.Count > 0) s.Care = s.Care.RemoveRange(gone);
        });
        _careUnwritten = false; // the reports went with this write
        Figures.Changed();
    }
}
