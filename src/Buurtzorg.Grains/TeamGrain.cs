using System.Collections.Immutable;
using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Nurses;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Microsoft.Extensions.Logging;
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

    /// <summary>
    /// The outbox: steps on other grains the team has decided and not yet finished (see <see cref="TeamStep"/>). Empty
    /// but between a decision's writes or while another grain cannot be reached; never more than <see cref="MaxPendingSteps"/>.
    /// </summary>
    [Id(4)] public ImmutableList<TeamStep> Outbox { get; set; } = [];

    public const int MaxPendingSteps = 100;

    /// <summary>
    /// Each client's card for the caseload list, as its record last reported it (never more than the caseload).
    /// Patient-identifiable: read only by <see cref="ITeamGrain.Caseload"/>, never published with the figures.
    /// </summary>
    [Id(5)] public ImmutableDictionary<string, ReportedCard> Cards { get; set; } = ImmutableDictionary<string, ReportedCard>.Empty;

    /// <summary>The change log tablets refresh their caches from (bounded: see <see cref="TeamChanges"/>).</summary>
    [Id(6)] public TeamChanges Changes { get; set; } = TeamChanges.Empty;
}

/// <summary>A client's latest card, and its place in the record's journal (0: as the admission found it).</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.reported-card")]
public sealed record ReportedCard([property: Id(0)] long Version, [property: Id(1)] ClientCard Card);

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

/// <summary>
/// A team: the one writer of its membership, capacity, admission and named-nurse decisions. A decision that needs a
/// step on another grain (a referral, an admission or a discharge on the client's record; a nurse joining or leaving)
/// is recorded together with that step in one write, the step is taken, and what came of it is recorded: done, or —
/// when the other grain refuses — the decision undone. A step that could not be finished stays recorded and is
/// finished without the app: before any later decision about the same client, referral or nurse, on the first call
/// after the team activates, and by the team's reminder.
/// </summary>
[GrainType("buurtzorg.team")]
public sealed partial class TeamGrain(
    [PersistentState("team", BuurtzorgStorage.Name)] IPersistentState<TeamState> state,
    Security.CallerSeal seal,
    CareClock clock,
    IOptions<CentralOfficeOptions> options,
    IOptions<RecordReminderOptions> reminders,
    IStepFaults faults,
    ILogger<TeamGrain> logger) : Grain, ITeamGrain, IIncomingGrainCallFilter, IRemindable
{
    /// <summary>The reminder that finishes pending steps; set while any may be pending.</summary>
    public const string StepReminder = "team-steps";

    private FiguresPublisher? _figures;
    private IGrainTimer? _careWrite;
    private bool _careUnwritten;

    private string TeamId => this.GetPrimaryKeyString();

    // The central office's figures: published after each change, debounced (CentralOffice/FiguresPublisher.cs).
    private FiguresPublisher Figures => _figures ??= new FiguresPublisher(this, () => state.State, CaseloadCare, ServiceProvider);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Figures.Start();
        // The footprint directory hears from the team again, so a listing lost to a failed call is made good (not awaited:
        // a team never waits on the directory to activate).
        if (state.State.Team is { Status: TeamStatus.Active or TeamStatus.Closed }) _ = TellDirectoryOrLog();
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

    public async Task<Team> Approve(string requestId)
    {
        var team = await Change(requestId, current => current.Approve());
        // Also on a retry: an approval whose listing failed is listed when it is sent again.
        await TellDirectory(team);
        return team;
    }

    public async Task<Team> Close(string requestId)
    {
        // A team closes with nothing half-done: every pending step is finished (or undone) first.
        await FinishFirst(_ => true);
        var team = Current;
        if (state.State.Requests.Contains(requestId))
        {
            await TellDirectory(team);
            return team;
        }
        var closed = team.Close();
        // Each member is released to join another team: recorded with the closing, so each is told even if this call
        // goes no further.
        if (closed != team) await Decide([.. closed.Members.Select(m => new LeaveTeamStep(m.NurseId))], requestId, closed);
        await TellDirectory(Current);
        return Current;
    }

    /// <summary>Lists an active team's footprint in the directory referrals without a team are routed by; unlists a closed one.</summary>
    private Task TellDirectory(Team team)
    {
        var directory = GrainFactory.GetGrain<ITeamDirectoryGrain>(ITeamDirectoryGrain.Key);
        return team.Status switch
        {
            TeamStatus.Active => directory.List(TeamId, team.Footprint),
            TeamStatus.Closed => directory.Unlist(TeamId),
            _ => Task.CompletedTask,
        };
    }

    private async Task TellDirectoryOrLog()
    {
        try
        {
            await TellDirectory(Current);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnfinished(logger, TeamId, "footprint listing", e.GetType().Name);
        }
    }

    public Task<Team> Get() => Task.FromResult(Current);

    public Task<Team> SetPolicy(string requestId, CapacityPolicy policy) => Change(requestId, team => team.WithPolicy(policy));

    public async Task<Team> Join(string requestId, string nurseId)
    {
        if (state.State.Requests.Contains(requestId)) return Current;
        await FinishFirst(step => step.Concerns(nurseId));
        if (state.State.Requests.Contains(requestId)) return Current; // this same join, finished just now
        if (Current.Status == TeamStatus.Closed) throw CareRuleException.Precondition("The team is closed.", "TEAM_CLOSED");
        // The nurse grain arbitrates "one team at a time"; the team lists the member once it has agreed.
        await Decide([new JoinTeamStep(requestId, nurseId, Now)]);
        return Current;
    }

    public async Task<(Team Team, Departure Departure)> Leave(string requestId, string nurseId)
    {
        await FinishFirst(step => step.Concerns(nurseId));
        var (team, departure) = Current.Leave(nurseId, requestId, Now);
        // The nurse's grain is told in a step recorded with the decision, so she is told even if this call goes no further.
        if (team != Current) await Decide([new LeaveTeamStep(nurseId)], requestId, team);
        return (Current, departure);
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
        Current.EnsureActive();
        var referralId = Ids.Derive("ref", requestId);
        await FinishFirst(step => step.Concerns(referralId)); // this same referral, still on its way in
        if (Current.Referral(referralId) is { } known) return known;

        var needs = command.Needs.ToImmutableSortedSet();
        var clientId = await GrainFactory.GetGrain<INhsIndexGrain>(NhsIndexGrain.BucketOf(command.NhsNumber)).Resolve(command.NhsNumber);
        var referral = new Referral(referralId, clientId, command.Source, needs, command.Details.Postcode.Sector, Now, ReferralStatus.Waiting, null, null);
        Projected().Refer(referral); // the inbox's rules, counting referrals still on their way in
        // The record takes the details (it may refuse them); the referral joins the inbox once it has.
        await Decide([new ReceiveReferralStep(referral, new ReferralReceived(
            Ids.Derive("rr", referralId), Now, command.RecordedBy, referralId, TeamId, command.Source, command.Details, needs, command.NhsNumber))]);
        return referral;
    }

    public Task<Page<Referral>> Referrals(ReferralStatus? status, ListCursor? after, int limit) =>
        Task.FromResult(Pages.Of(Current.Referrals.Where(r => status is null || r.Status == status),
            r => ListCursor.At(r.ReceivedAt, r.ReferralId), after, limit));

    public async Task<CaseloadEntry> Admit(string requestId, string referralId, string? namedNurseId, string? backupNurseId)
    {
        // A step still pending about this referral or its client (this same admission, a discharge) is finished first.
        await FinishFirst(step => step.Concerns(referralId));
        if (Current.Referral(referralId) is { } known) await FinishFirst(step => step.Concerns(known.ClientId));
        // Decided against the team as it will be once the admissions under way land, so capacity holds.
        var basis = Projected();
        var (team, entry) = basis.Admit(referralId, Now, namedNurseId, backupNurseId);
        if (ReferenceEquals(team, basis)) return entry; // admitted before: a retry answers the same
        var referral = team.Referral(referralId)!;
        // The record says whether the client is on another team's caseload and opens the episode atomically; the
        // client joins the caseload once it has.
        await Decide([new OpenEpisodeStep(requestId, entry, new EpisodeOpened(Ids.Derive("adm", referralId), entry.AdmittedAt,
            TeamId, EpisodeId(referralId), TeamId, referralId, referral.Source, entry.Needs))]);
        return Current.CaseloadOf(entry.ClientId) ?? entry;
    }

    public async Task<Referral> Decline(string requestId, string referralId, DeclineReason reason)
    {
        // An admission under way is finished (and the decline then refused) or undone first: a declined referral never
        // leaves the client with an episode that no caseload shows.
        await FinishFirst(step => step.Concerns(referralId));
        return await ChangeAndSelect(requestId, team => team.Decline(referralId, reason, Now), team => team.Referral(referralId)!);
    }

    public async Task<DateTimeOffset> Discharge(string requestId, DischargeCommand command)
    {
        if (DischargeNoteOf(requestId, command.ClientId) is { } done) return done.At;
        await FinishFirst(step => step.Concerns(command.ClientId));
        if (DischargeNoteOf(requestId, command.ClientId) is { } finished) return finished.At; // this same discharge
        var entry = Current.CaseloadOf(command.ClientId)
            ?? throw CareRuleException.Precondition("The client is not on this team's caseload, so there is nothing to discharge.", "NOT_ON_CASELOAD");
        var at = Now;
        // The record validates the final ratings and closes the episode (or refuses); the client leaves the caseload
        // once it has.
        await Decide([new CloseEpisodeStep(requestId, command.ClientId, new EpisodeClosed(
            Ids.Derive("dis", requestId), at, command.RecordedBy, EpisodeId(entry.ReferralId), command.Reason, command.Summary,
            command.FinalRatings.Select(r => new ProblemRating(r.ProblemId, r.Rating)).ToImmutableList()))]);
        return at;
    }

    private DischargeNote? DischargeNoteOf(string requestId, string clientId) =>
        state.State.Discharges.Find(d => d.RequestId == requestId && d.ClientId == clientId);

    public async Task<CaseloadEntry> Reassign(string requestId, string clientId, string namedNurseId, string? backupNurseId)
    {
        await FinishFirst(step => step.Concerns(clientId));
        return await ChangeAndSelect(requestId, team => team.Reassign(clientId, namedNurseId, backupNurseId, Now), team => team.CaseloadOf(clientId)!);
    }

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
    public Task ClientCareChanged(string clientId, long version, EpisodeCare? care, ClientCard? card)
    {
        if (state.State.Team?.CaseloadOf(clientId) is not { } entry) return Task.CompletedTask; // not, or no longer, ours
        if (care is null || care.EpisodeId != EpisodeId(entry.ReferralId)) return Task.CompletedTask; // another episode's
        // Each part is kept unless a later report of it arrived first.
        var known = state.State.Care.GetValueOrDefault(clientId);
        var newCare = known is null || known.Version < version;
        var newCard = card is not null && (state.State.Cards.GetValueOrDefault(clientId) is not { } shown || shown.Version < version);
        var changes = state.State.Changes.Reported(clientId, version);
        if (!newCare && !newCard && ReferenceEquals(changes, state.State.Changes)) return Task.CompletedTask;
        if (newCare) state.State.Care = state.State.Care.SetItem(clientId, new ReportedCare(version, care));
        if (newCard) state.State.Cards = state.State.Cards.SetItem(clientId, new ReportedCard(version, card!));
        state.State.Changes = changes;
        _careUnwritten = true;
        _careWrite ??= this.RegisterGrainTimer(WriteCare, new GrainTimerCreationOptions(options.Value.CareWriteDelay, Timeout.InfiniteTimeSpan));
        // Every entry reports (a note, a rating): the figures change only with the care.
        if (newCare && known?.Care.SameAs(care) != true) Figures.Changed();
        return Task.CompletedTask;
    }

    /// <summary>From the cards each client last reported: no record is asked.</summary>
    public Task<CaseloadPage> Caseload(ListCursor? after, int limit)
    {
        var team = Current;
        var page = Pages.Of(team.Caseload, e => ListCursor.At(e.AdmittedAt, e.ClientId), after, limit);
        var items = page.Items.Select(e => new CaseloadItem(e, state.State.Cards.GetValueOrDefault(e.ClientId)?.Card)).ToList();
        return Task.FromResult(new CaseloadPage(new Page<CaseloadItem>(items, page.Next, page.Total), team.Capacity));
    }

    /// <summary>
    /// From the change log and the cards each client last reported: no record is asked. Reports kept in memory are
    /// written first, so a position handed to a tablet is never one a restart takes back.
    /// </summary>
    public async Task<CaseloadChanges> Changes(long? since, ListCursor? after, int limit)
    {
        var team = Current;
        if (_careUnwritten)
        {
            await state.Commit(_ => { });
            _careUnwritten = false;
        }
        return state.State.Changes.Since(since, after, limit, team, id => state.State.Cards.GetValueOrDefault(id)?.Card);
    }

    /// <summary>
    /// An offline write reached a client's record: the record found it met a changed care plan, or the client had passed
    /// from the writing nurse to another named nurse before it was made. Either raises the conflict for the team.
    /// </summary>
    public async Task<bool> OfflineWritten(string clientId, string nurseId, DateTimeOffset at, bool recordConflict)
    {
        if (Current.CaseloadOf(clientId) is not { } entry) return recordConflict;
        var conflict = recordConflict || state.State.Changes.PassedFromBefore(entry, nurseId, at);
        if (conflict) await Flag(clientId, CaseloadFlag.OfflineConflict, raised: true);
        return conflict;
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
        var method = context.InterfaceMethod?.Name;
        // Steps an earlier activation left pending (it crashed, its silo went) are finished on the first call after
        // activation. Never in an interleaved membership check, which may run while another call is saving; a
        // reminder's tick finishes them itself.
        if (!_stepsChecked && method is not (nameof(IsMember) or nameof(ReceiveReminder))) await FinishPending();
        // Once a day is enough: recording leave and a member leaving repair the assignments themselves.
        if (method != nameof(IsMember)
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

    private Task Save(string? requestId, Team team, IReadOnlyList<TeamStep>? steps = null) =>
        Write(team, requestId is null ? [] : [requestId], [], steps is null ? null : outbox => outbox.AddRange(steps));

    /// <summary>
    /// Writes the team, the request ids it answers, discharge notes and the outbox's change; tidied on the way (decided
    /// referrals, discharge notes and past leave out of their windows, care only for the caseload), so the state stays
    /// bounded.
    /// </summary>
    private async Task Write(Team team, IReadOnlyList<string> requestIds, IReadOnlyList<DischargeNote> notes,
        Func<ImmutableList<TeamStep>, ImmutableList<TeamStep>>? outbox)
    {
        var (now, utc) = (Now, clock.GetUtcNow());
        await state.Commit(s =>
        {
            var tidied = team.Tidy(now);
            s.Changes = s.Changes.Between(s.Team, tidied, now);
            s.Team = tidied;
            foreach (var requestId in requestIds) s.Requests = s.Requests.Add(requestId, utc);
            if (outbox is not null) s.Outbox = outbox(s.Outbox);
            var discharges = s.Discharges.AddRange(notes);
            discharges = discharges.RemoveAll(d => d.At < now - DischargeNote.Kept);
            s.Discharges = discharges.Count > DischargeNote.MaxKept ? discharges.RemoveRange(0, discharges.Count - DischargeNote.MaxKept) : discharges;
            var gone = s.Care.Keys.Where(c => s.Team.CaseloadOf(c) is null).ToList();
            if (gone.Count > 0) s.Care = s.Care.RemoveRange(gone);
            var goneCards = s.Cards.Keys.Where(c => s.Team.CaseloadOf(c) is null).ToList();
            if (goneCards.Count > 0) s.Cards = s.Cards.RemoveRange(goneCards);
        });
        _careUnwritten = false; // the reports went with this write
        Figures.Changed();
    }

    // ---- The outbox: steps on other grains ------------------------------------------------------------------------

    private const string NothingSaved = "The care records store is not reachable just now. Nothing was saved; please try again in a moment.";

    private const string Unfinished =
        "It is recorded but could not be finished just now; it will be finished shortly without you. Send it again with the same request id to see how it ended.";

    private const string EarlierUnfinished =
        "An earlier change for this client or nurse is still being finished. Nothing was saved; please try again in a moment.";

    private const string Backlog = "The team is still finishing earlier changes. Nothing was saved; please try again in a moment.";

    private bool _stepsChecked;
    private bool _reminding;

    /// <summary>What came of taking a step: done (with the other grain's answer), refused, or failed (it stays pending).</summary>
    private sealed record Outcome(TeamStep Step, object? Result = null, RuleRefusedException? Refusal = null, Exception? Failure = null);

    /// <summary>
    /// Records a decision and the steps it needs on other grains in one write, takes them, and answers as they went:
    /// done; refused by the other grain (the decision undone, the refusal passed on as it came); or UNAVAILABLE when a
    /// step could not be finished, which stays recorded and is finished without the app.
    /// </summary>
    private async Task Decide(IReadOnlyList<TeamStep> steps, string? requestId = null, Team? decided = null)
    {
        if (state.State.Outbox.Count + steps.Count > TeamState.MaxPendingSteps) throw new StorageUnavailableException(Backlog);
        await Remind();
        await Save(requestId, decided ?? Current, steps);
        var outcomes = await Finish(steps);
        if (outcomes.FirstOrDefault(o => o.Failure is not null) is { } failed)
        {
            LogUnfinished(logger, TeamId, failed.Step.ToString(), failed.Failure!.GetType().Name);
            throw new StorageUnavailableException(Unfinished, outcomeUnknown: true) { FinishedByItself = true };
        }
        if (outcomes.FirstOrDefault(o => o.Refusal is not null) is { } refused) throw refused.Refusal!;
    }

    /// <summary>Before a decision, finishes the pending steps it depends on; one that cannot be finished now stops it.</summary>
    private async Task FinishFirst(Func<TeamStep, bool> concerns)
    {
        var pending = state.State.Outbox.Where(concerns).ToList();
        if (pending.Count == 0) return;
        if ((await Finish(pending)).Any(o => o.Failure is not null)) throw new StorageUnavailableException(EarlierUnfinished);
    }

    /// <summary>Finishes whatever is pending with no caller to answer: on the first call after activation, and by the reminder.</summary>
    private async Task FinishPending()
    {
        _stepsChecked = true;
        if (state.State.Outbox.IsEmpty) return;
        try
        {
            var failed = (await Finish(state.State.Outbox)).Where(o => o.Failure is not null).ToList();
            if (failed.Count == 0) return;
            LogUnfinished(logger, TeamId, failed[0].Step.ToString(), failed[0].Failure!.GetType().Name);
            await Remind();
        }
        catch (Exception e)
        {
            // The steps stay recorded: the reminder, or the next activation, tries again.
            LogUnfinished(logger, TeamId, nameof(TeamStep), e.GetType().Name);
        }
    }

    /// <summary>
    /// Takes steps on their grains (together: pending steps never share a client, referral or nurse), then records in one
    /// write what came of them: a step done takes effect and leaves the outbox; a refused one leaves it, which undoes its
    /// decision; a failed one stays. If that write fails, every step stays, to be taken again: each is safe to repeat.
    /// </summary>
    private async Task<IReadOnlyList<Outcome>> Finish(IReadOnlyList<TeamStep> steps)
    {
        var outcomes = await Task.WhenAll(steps.Select(Take));
        var settled = outcomes.Where(o => o.Failure is null).ToList();
        if (settled.Count == 0) return outcomes;
        try
        {
            if (settled.Find(o => o.Refusal is not null) is { } refused) await faults.At(StepPoint.Undoing, TeamId, refused.Step);
            await Conclude(settled);
        }
        catch (Exception e) when (!RuleTranslationFilter.IsVersionConflict(e))
        {
            return [.. outcomes.Select(o => o.Failure is null ? o with { Failure = e } : o)];
        }
        return outcomes;
    }

    private async Task<Outcome> Take(TeamStep step)
    {
        try
        {
            await faults.At(StepPoint.Taking, TeamId, step);
            object? result = step switch
            {
                ReceiveReferralStep s => await Done(RecordOf(s.Referral.ClientId).ReceiveReferral(s.Entry)),
                OpenEpisodeStep s => await RecordOf(s.Admission.ClientId).OpenEpisode(s.Entry),
                CloseEpisodeStep s => await RecordOf(s.ClientId).CloseEpisode(s.Entry),
                JoinTeamStep s => await NurseOf(s.NurseId).JoinTeam(TeamId),
                LeaveTeamStep s => await NurseOf(s.NurseId).LeaveTeam(TeamId),
                _ => throw new InvalidOperationException($"A team step of an unknown kind: {step}."),
            };
            await faults.At(StepPoint.Taken, TeamId, step);
            return new Outcome(step, result);
        }
        catch (RuleRefusedException refusal)
        {
            return new Outcome(step, Refusal: refusal);
        }
        catch (Exception e)
        {
            return new Outcome(step, Failure: e);
        }

        static async Task<object?> Done(Task step)
        {
            await step;
            return null;
        }
    }

    /// <summary>One write: each step done takes effect in the team, and every step settled (done or refused) leaves the outbox.</summary>
    private async Task Conclude(IReadOnlyList<Outcome> settled)
    {
        var team = Current;
        var (requestIds, notes) = (new List<string>(), new List<DischargeNote>());
        foreach (var (step, result, refusal, _) in settled)
        {
            if (refusal is not null) continue; // undone: the decision never took effect in the team
            switch (step)
            {
                case ReceiveReferralStep s:
                    team = team.Receive(s.Referral);
                    break;
                case OpenEpisodeStep s:
                    // A member it names may have left or begun leave meanwhile: the client passes on as leave hands over.
                    team = Assignment.Repair(team.Admitted(s.Admission), Today).Team;
                    requestIds.Add(s.RequestId);
                    // The record's report of the admission came before the client was on the caseload: its card is here.
                    if (result is ClientCard card && !state.State.Cards.ContainsKey(s.Admission.ClientId))
                        state.State.Cards = state.State.Cards.SetItem(s.Admission.ClientId, new ReportedCard(0, card));
                    break;
                case CloseEpisodeStep s:
                    if (team.CaseloadOf(s.ClientId) is not null) team = team.Discharge(s.ClientId).Team;
                    notes.Add(new DischargeNote(s.ClientId, s.RequestId, s.Entry.At, result as DischargeOutcome));
                    requestIds.Add(s.RequestId);
                    break;
                case JoinTeamStep s when result is Nurse profile && team.Status != TeamStatus.Closed:
                    team = team.Join(team.Member(s.NurseId)
                        ?? new TeamMember(profile.Id, profile.DisplayName, profile.Role, profile.HoursPerWeek, profile.Skills, s.At, []));
                    requestIds.Add(s.RequestId);
                    break;
            }
        }
        var done = settled.Select(o => o.Step).ToHashSet();
        await Write(team, requestIds, notes, outbox => outbox.RemoveAll(done.Contains));
    }

    /// <summary>
    /// The team as it will be once the referrals and admissions it has decided reach their records: decisions are taken
    /// against it, so the inbox's bound and the caseload's capacity count them.
    /// </summary>
    private Team Projected() => state.State.Outbox.Aggregate(Current, (team, step) => step switch
    {
        ReceiveReferralStep s => team.Receive(s.Referral),
        OpenEpisodeStep s => team.Admitted(s.Admission),
        _ => team,
    });

    /// <summary>
    /// Sets the team's reminder before a step is recorded, so that a step a crash leaves pending is finished even if
    /// nobody calls the team again. Once per activation; a tick that finds nothing pending clears it.
    /// </summary>
    private async Task Remind()
    {
        if (_reminding) return;
        try
        {
            var every = reminders.Value.StepRetry;
            await this.RegisterOrUpdateReminder(StepReminder, every, every);
            _reminding = true;
        }
        catch (Exception e) when (e is not RuleRefusedException)
        {
            LogUnfinished(logger, TeamId, StepReminder, e.GetType().Name);
            throw new StorageUnavailableException(NothingSaved);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != StepReminder) return;
        await FinishPending();
        if (!state.State.Outbox.IsEmpty) return;
        try
        {
            if (await this.GetReminder(StepReminder) is { } reminder) await this.UnregisterReminder(reminder);
            _reminding = false;
        }
        catch (Exception e)
        {
            LogUnfinished(logger, TeamId, StepReminder, e.GetType().Name); // the next tick clears it
        }
    }

    private IClientGrain RecordOf(string clientId) => GrainFactory.GetGrain<IClientGrain>(clientId);

    private INurseGrain NurseOf(string nurseId) => GrainFactory.GetGrain<INurseGrain>(nurseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team {TeamId}: {Step} not finished ({ExceptionType}); it stays pending and is tried again")]
    private static partial void LogUnfinished(ILogger logger, string teamId, string step, string exceptionType);
}
