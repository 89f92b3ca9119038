using System.Diagnostics;
using System.Globalization;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// An organisation's day over gRPC, as the team apps and the central office would make it, many callers at once.
/// Formation: teams apply and are approved, nurses are registered and join, referrals are admitted or declined, each
/// client gets a care plan. Before the first day each team reviews today. Then each day: the morning (every nurse loads
/// her day with GetMyDay; each team reads its caseload and reviews tomorrow), the rounds (visits, ratings, care-plan changes; the central office reads
/// figures) and the evening (returns from leave, discharges, new referrals, a member leaving and being replaced, leave
/// starting). Every random choice is drawn on the run's own thread, before each phase, from a <see cref="Random"/>
/// seeded by <c>--seed</c>: one stream for the formation and another for the days, so the same seed gives the same
/// operations whether the organisation was formed in this run or read from a saved one; only the server's ids differ.
/// </summary>
public sealed class OrganisationDayRun
{
    private const double DischargesPerClientDay = 0.02;
    private const double DeclinedReferralsPerClientDay = 0.005;
    private const double RatingsPerClientDay = 0.10;
    private const double CarePlanChangesPerClientDay = 0.05;
    private const double LeaveStartsPerNurseDay = 0.05;
    private const double LeaversPerNurseDay = 0.003;
    private const string Today = "today";

    /// <summary>Mixed into <c>--seed</c> for the days' stream, so it differs from the formation's.</summary>
    private const int DaysStream = 0x5EED_DA75;

    private readonly DayOptions _options;
    private readonly BenchmarkTokens _tokens;
    private readonly TextWriter _progress;
    private readonly TestNhsNumbers _nhs;
    private readonly Organisation _organisation;
    private Random _random;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly TeamService.TeamServiceClient _teams;
    private readonly NurseService.NurseServiceClient _nurses;
    private readonly ReferralService.ReferralServiceClient _referrals;
    private readonly CareRecordService.CareRecordServiceClient _records;
    private readonly PlanningService.PlanningServiceClient _planning;
    private readonly CentralOfficeService.CentralOfficeServiceClient _office;
    private long _requests;
    private int _registered;

    /// <param name="saved">An organisation formed by an earlier run: the days are run on it, and new referrals take NHS
    /// numbers after those its formation used (and <c>--nhs-offset</c> more).</param>
    public OrganisationDayRun(CallInvoker channel, BenchmarkTokens tokens, DayOptions options, TextWriter progress, Organisation? saved = null)
    {
        (_options, _tokens, _progress) = (options, tokens, progress);
        _random = new Random(options.Seed);
        _organisation = saved ?? new Organisation();
        _nhs = new TestNhsNumbers(saved is null ? options.NhsOffset : saved.NhsNumbersUsed + options.NhsOffset);
        _registered = _organisation.Nurses.Count(); // new nurses' display names continue after the saved ones'
        _teams = new(channel);
        _nurses = new(channel);
        _referrals = new(channel);
        _records = new(channel);
        _planning = new(channel);
        _office = new(channel);
        Phases = new PhaseRunner(options, progress);
    }

    public PhaseRunner Phases { get; }

    public Organisation Organisation => _organisation;

    /// <summary>Forms the organisation, then runs the days; ceilings are measured by the caller between the two.</summary>
    public async Task Form()
    {
        if (_organisation.Teams.Count > 0) throw new InvalidOperationException("The organisation is formed already.");
        for (var t = 0; t < _options.Teams; t++) _organisation.Teams.Add(new TeamState(t, DayOptions.Districts[t]));
        var plans = _organisation.Teams.Select(team =>
        {
            var admissions = Enumerable.Range(0, _options.ClientsPerTeam).Select(_ => Referral(team, decline: false));
            var declines = Enumerable.Range(0, Math.Max(1, _options.ClientsPerTeam / 10)).Select(_ => Referral(team, decline: true));
            return (team, referrals: Shuffle(admissions.Concat(declines).ToList()));
        }).ToList();
        await Phases.Run("formation", 0, plans.Select(p => (Func<Measurements, Task>)(m => FormTeam(m, p.team, p.referrals))).ToList());
        (_organisation.NursesPerTeam, _organisation.ClientsPerTeam, _organisation.Seed, _organisation.NhsNumbersUsed) =
            (_options.NursesPerTeam, _options.ClientsPerTeam, _options.Seed, _nhs.Position);
    }

    public async Task Days(Func<bool> another)
    {
        _random = new Random(_options.Seed ^ DaysStream);
        await Phases.Run("planning", 0, PlanToday());
        for (var day = 1; day == 1 || (_options.Duration is null ? day <= _options.Days : another()); day++)
        {
            await Phases.Run("morning", day, Morning());
            await Phases.Run("rounds", day, Rounds());
            await Phases.Run("evening", day, Evening());
        }
    }

    private async Task FormTeam(Measurements m, TeamState team, List<ReferralPlan> referrals)
    {
        var office = Office();
        var applied = await m.Time("ApplyTeam", () => _teams.ApplyTeamAsync(new ApplyTeamRequest
        {
            RequestId = Request(),
            Name = $"Simulated team {team.Index}",
            Footprint = { team.District },
            GpPractices = { $"Practice {team.Index}" },
        }, office).ResponseAsync);
        if (applied is null) return;
        team.Id = applied.Team.TeamId;
        if (await m.Time("ApproveTeam", () => _teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = Request(), TeamId = team.Id }, office).ResponseAsync) is null) return;
        team.Active = true;
        for (var n = 0; n < _options.NursesPerTeam; n++) await Recruit(m, team);
        foreach (var referral in referrals) await Admission(m, team, referral);
    }

    private async Task<NurseState?> Recruit(Measurements m, TeamState team)
    {
        var number = Interlocked.Increment(ref _registered);
        var registered = await m.Time("RegisterNurse", () => _nurses.RegisterNurseAsync(new RegisterNurseRequest
        {
            RequestId = Request(),
            DisplayName = $"Nurse {number}",
            Role = NurseRole.RegisteredNurse,
            NmcPin = "12A3456B",
            ContractedHoursPerWeek = 37.5,
            Skills = { Skill.WoundCare, Skill.PersonalCare },
        }, Office()).ResponseAsync);
        if (registered is null) return null;
        var nurse = new NurseState(registered.Nurse.NurseId);
        var joined = await m.Time("JoinTeam", () => _teams.JoinTeamAsync(new JoinTeamRequest { RequestId = Request(), TeamId = team.Id, NurseId = nurse.Id }, As(team, Admitter(team, nurse.Id))).ResponseAsync);
        if (joined is null) return null;
        team.Capacity = joined.Team.Capacity;
        team.Members.Add(nurse);
        return nurse;
    }

    /// <summary>A member adds a new colleague; a team's first nurse joins it herself (the grains check membership).</summary>
    private static string Admitter(TeamState team, string joining) => team.Members.Count > 0 ? AnyMember(team) : joining;

    private static string AnyMember(TeamState team) => team.Members.Count > 0 ? team.Members[0].Id : "simulator";

    private async Task Admission(Measurements m, TeamState team, ReferralPlan plan)
    {
        var nurse = As(team, AnyMember(team));
        var referred = await m.Time("Refer", () => _referrals.ReferAsync(new ReferRequest
        {
            RequestId = Request(),
            TeamId = team.Id,
            Source = ReferralSource.GeneralPractitioner,
            NhsNumber = plan.NhsNumber,
            Client = new ClientDetails { GivenName = "Simulated", FamilyName = "Client", DateOfBirth = plan.DateOfBirth, AddressLine = "1 Simulated Road", Postcode = plan.Postcode },
            Needs = { Skill.WoundCare },
        }, nurse).ResponseAsync);
        if (referred is null) return;
        if (plan.Decline || team.Clients.Count >= team.Capacity)
        {
            await m.Time("Decline", () => _referrals.DeclineAsync(new DeclineRequest
            {
                RequestId = Request(),
                TeamId = team.Id,
                ReferralId = referred.Referral.ReferralId,
                Reason = plan.Decline ? DeclineReason.TeamChoice : DeclineReason.AtCapacity,
            }, nurse).ResponseAsync);
            return;
        }
        var admitted = await m.Time("Admit", () => _referrals.AdmitAsync(new AdmitRequest { RequestId = Request(), TeamId = team.Id, ReferralId = referred.Referral.ReferralId }, nurse).ResponseAsync);
        if (admitted is null) return;
        var client = new ClientState(admitted.Entry.ClientId, admitted.Entry.NamedNurseId);
        team.Clients.Add(client);
        var named = As(team, client.NamedNurseId);
        var problem = await m.Time("AddProblem", () => _records.AddProblemAsync(new AddProblemRequest
        {
            RequestId = Request(),
            ClientId = client.Id,
            RecordedBy = client.NamedNurseId,
            Problem = plan.Problem,
            Scope = ProblemScope.Individual,
            Severity = ProblemSeverity.Potential,
        }, named).ResponseAsync);
        if (problem is null) return;
        client.ProblemId = problem.Problem.ProblemId;
        client.InterventionId = await AddIntervention(m, team, client, plan.Window);
    }

    private async Task<string?> AddIntervention(Measurements m, TeamState team, ClientState client, TimeWindow window)
    {
        var added = await m.Time("AddIntervention", () => _records.AddInterventionAsync(new AddInterventionRequest
        {
            RequestId = Request(),
            ClientId = client.Id,
            RecordedBy = client.NamedNurseId,
            ProblemId = client.ProblemId,
            Category = InterventionCategory.TreatmentsProcedures,
            Target = "wound care",
            CareType = CareType.Nursing,
            Frequency = new VisitFrequency { Times = 1, Period = FrequencyPeriod.Day },
            TimeWindow = window,
            DurationMinutes = 30,
            Skills = { Skill.WoundCare },
        }, As(team, client.NamedNurseId)).ResponseAsync);
        return added?.Intervention.InterventionId;
    }

    // ---- The morning: every nurse on duty loads their day; each team reviews tomorrow's plan.

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Before the first morning, outside it, each team reviews today: the simulated days share one calendar date, so
    /// this is the plan every morning's nurses load (GetMyDay), while each morning's review plans tomorrow.
    /// </summary>
    private List<Func<Measurements, Task>> PlanToday()
    {
        var today = Date(new Buurtzorg.Grains.CareClock().Today);
        return [.. _organisation.Teams.Where(t => t.Active).Select(team => (Func<Measurements, Task>)(m => m.Time("ReviewDay",
            () => _planning.ReviewDayAsync(new ReviewDayRequest { RequestId = Request(), TeamId = team.Id, Day = today }, As(team, AnyMember(team))).ResponseAsync)))];
    }

    private List<Func<Measurements, Task>> Morning()
    {
        var today = new Buurtzorg.Grains.CareClock().Today;
        var items = new List<Func<Measurements, Task>>();
        foreach (var team in _organisation.Teams.Where(t => t.Active))
        {
            items.Add(m => TeamMorning(m, team, Date(today.AddDays(1))));
            foreach (var nurse in team.Members.Where(n => !n.OnLeave)) items.Add(m => LoadDay(m, team, nurse, Date(today)));
        }
        return Shuffle(items);
    }

    /// <summary>The team reviews tomorrow and reads its caseload once (who is named for whom, for the rounds' visits).</summary>
    private async Task TeamMorning(Measurements m, TeamState team, string tomorrow)
    {
        var headers = As(team, AnyMember(team));
        await m.Time("ReviewDay", () => _planning.ReviewDayAsync(new ReviewDayRequest { RequestId = Request(), TeamId = team.Id, Day = tomorrow }, headers).ResponseAsync);
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await m.Time("GetCaseload", () => _teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.Id, PageSize = 200, PageToken = token }, headers).ResponseAsync);
            if (page is null) return;
            foreach (var entry in page.Entries) named[entry.ClientId] = entry.NamedNurseId;
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        team.NamedNurses = named;
    }

    /// <summary>A nurse loads her day: one call, her visits and the records they need (issue 15).</summary>
    private Task<GetMyDayResponse?> LoadDay(Measurements m, TeamState team, NurseState nurse, string today) =>
        m.Time("GetMyDay", () => _planning.GetMyDayAsync(new GetMyDayRequest { Day = today }, As(team, nurse.Id)).ResponseAsync);

    // ---- The rounds: visits (the most frequent write), ratings and care-plan changes; the central office reads.

    private List<Func<Measurements, Task>> Rounds()
    {
        var clients = _organisation.Teams.Where(t => t.Active).SelectMany(t => t.Clients.Select(c => (team: t, client: c))).ToList();
        var rated = Pick(clients.Count, RatingsPerClientDay);
        var changed = Pick(clients.Count, CarePlanChangesPerClientDay);
        var items = new List<Func<Measurements, Task>>();
        for (var i = 0; i < clients.Count; i++)
        {
            var (team, client) = clients[i];
            var visits = Enumerable.Range(0, 1 + _random.Next(2)).Select(_ => (minutesAgo: 30 + _random.Next(240), duration: 20 + _random.Next(26))).ToList();
            var rating = rated.Contains(i) ? new OutcomeRating { Knowledge = 1 + _random.Next(5), Behaviour = 1 + _random.Next(5), Status = 1 + _random.Next(5) } : null;
            var window = changed.Contains(i) ? (TimeWindow?)Window() : null;
            items.Add(m => Round(m, team, client, visits, rating, window));
        }
        var active = _organisation.Teams.Where(t => t.Active).ToList();
        var office = Office();
        var reads = Math.Max(1, active.Count / 10);
        for (var i = 0; i < reads; i++)
        {
            items.Add(m => m.Time("GetOverview", () => _office.GetOverviewAsync(new GetOverviewRequest(), office).ResponseAsync));
            items.Add(m => m.Time("ListTeams", () => _office.ListTeamsAsync(new ListTeamsRequest { SortBy = "caseload", Descending = true, PageSize = 50 }, office).ResponseAsync));
        }
        foreach (var i in Pick(active.Count, 0.10))
            items.Add(m => m.Time("GetTeamFigures", () => _office.GetTeamFiguresAsync(new GetTeamFiguresRequest { TeamId = active[i].Id, Days = 7 }, office).ResponseAsync));
        foreach (var i in Pick(active.Count, 0.05))
            items.Add(m => m.Time("GetTeam", () => _teams.GetTeamAsync(new GetTeamRequest { TeamId = active[i].Id }, office).ResponseAsync));
        return Shuffle(items);
    }

    private async Task Round(Measurements m, TeamState team, ClientState client, List<(int MinutesAgo, int Duration)> visits, OutcomeRating? rating, TimeWindow? newWindow)
    {
        var nurseId = team.NamedNurses.GetValueOrDefault(client.Id, client.NamedNurseId);
        client.NamedNurseId = nurseId;
        var headers = As(team, nurseId);
        foreach (var (minutesAgo, duration) in visits)
        {
            var visit = new RecordVisitRequest
            {
                RequestId = Request(),
                ClientId = client.Id,
                NurseId = nurseId,
                Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-minutesAgo)),
                DurationMinutes = duration,
                DirectCareMinutes = duration * 4 / 5,
                Note = "Simulated visit.",
            };
            if (client.InterventionId is { } done) visit.InterventionsDone.Add(done);
            await m.Time("RecordVisit", () => _records.RecordVisitAsync(visit, headers).ResponseAsync);
        }
        if (rating is not null && client.ProblemId is not null)
            await m.Time("RateProblem", () => _records.RateProblemAsync(new RateProblemRequest { RequestId = Request(), ClientId = client.Id, RecordedBy = nurseId, ProblemId = client.ProblemId, Rating = rating }, headers).ResponseAsync);
        if (newWindow is { } window && client.ProblemId is not null)
        {
            var previous = client.InterventionId;
            client.InterventionId = await AddIntervention(m, team, client, window) ?? previous;
            if (previous is not null && previous != client.InterventionId)
                await m.Time("StopIntervention", () => _records.StopInterventionAsync(new StopInterventionRequest { RequestId = Request(), ClientId = client.Id, RecordedBy = nurseId, InterventionId = previous }, headers).ResponseAsync);
        }
    }

    // ---- The evening: leave ends, clients are discharged, referrals arrive, a member leaves and is replaced, leave starts.

    private List<Func<Measurements, Task>> Evening()
    {
        var active = _organisation.Teams.Where(t => t.Active).ToList();
        var clients = active.SelectMany(t => t.Clients.Select(c => (team: t, client: c))).ToList();
        var discharged = Pick(clients.Count, DischargesPerClientDay).Select(i => clients[i]).ToList();
        var declined = Pick(clients.Count, DeclinedReferralsPerClientDay).Select(i => clients[i].team).ToList();
        var onDuty = active.SelectMany(t => t.Members.Where(n => !n.OnLeave && !_tookLeave.Contains(n.Id)).Select(n => (team: t, nurse: n))).ToList();
        var leaving = Pick(onDuty.Count, LeaversPerNurseDay).Select(i => onDuty[i]).ToList();
        // One leave start per team a day at most, never for someone leaving the team the same evening.
        var leave = Pick(onDuty.Count, LeaveStartsPerNurseDay).Select(i => onDuty[i])
            .Where(p => !leaving.Contains(p)).GroupBy(p => p.team).Select(g => g.First()).ToList();
        var reasons = new[] { DischargeReason.GoalsMet, DischargeReason.MovedIntoCareHome, DischargeReason.TransferredToAnotherService, DischargeReason.Died };
        return Shuffle(active.Select(team =>
        {
            var returning = team.Members.Where(n => n.OnLeave).ToList();
            var leavers = discharged.Where(d => d.team == team).Select(d => (d.client, reason: reasons[_random.Next(reasons.Length)])).ToList();
            var referrals = leavers.Select(_ => Referral(team, decline: false)).Concat(declined.Where(t => t == team).Select(_ => Referral(team, decline: true))).ToList();
            var leaver = leaving.Where(l => l.team == team).Select(l => l.nurse).ToList();
            var startingLeave = leave.Where(l => l.team == team).Select(l => l.nurse).ToList();
            foreach (var nurse in startingLeave) _tookLeave.Add(nurse.Id);
            return (Func<Measurements, Task>)(m => EveningOf(m, team, returning, leavers, referrals, leaver, startingLeave));
        }).ToList());
    }

    private readonly HashSet<string> _tookLeave = new(StringComparer.Ordinal);

    private async Task EveningOf(Measurements m, TeamState team, List<NurseState> returning, List<(ClientState Client, DischargeReason Reason)> discharges,
        List<ReferralPlan> referrals, List<NurseState> leavers, List<NurseState> startingLeave)
    {
        foreach (var nurse in returning)
            if (await m.Time("EndLeave", () => _nurses.EndLeaveAsync(new EndLeaveRequest { RequestId = Request(), NurseId = nurse.Id }, As(team, nurse.Id)).ResponseAsync) is not null)
                nurse.OnLeave = false;
        foreach (var (client, reason) in discharges)
        {
            var request = new DischargeRequest { RequestId = Request(), TeamId = team.Id, ClientId = client.Id, Reason = reason, RecordedBy = client.NamedNurseId, Summary = "Simulated discharge." };
            if (client.ProblemId is not null) request.FinalRatings.Add(new FinalRating { ProblemId = client.ProblemId, Rating = new OutcomeRating { Knowledge = 4, Behaviour = 4, Status = 4 } });
            if (await m.Time("Discharge", () => _referrals.DischargeAsync(request, As(team, client.NamedNurseId)).ResponseAsync) is not null)
                team.Clients.Remove(client);
        }
        foreach (var referral in referrals) await Admission(m, team, referral);
        foreach (var leaver in leavers)
        {
            if (await Recruit(m, team) is null) continue;
            if (await m.Time("LeaveTeam", () => _teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = Request(), TeamId = team.Id, NurseId = leaver.Id }, As(team, leaver.Id)).ResponseAsync) is { } left)
            {
                team.Members.Remove(leaver);
                team.Capacity = left.Team.Capacity;
            }
        }
        foreach (var nurse in startingLeave.Where(team.Members.Contains))
        {
            var today = new Buurtzorg.Grains.CareClock().Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (await m.Time("AddLeavePeriod", () => _nurses.AddLeavePeriodAsync(new AddLeavePeriodRequest
            {
                RequestId = Request(),
                NurseId = nurse.Id,
                Period = new LeavePeriod { StartDate = today, EndDate = today, Reason = "Annual leave" },
            }, As(team, nurse.Id)).ResponseAsync) is not null)
                nurse.OnLeave = true;
        }
    }

    // ---- Drawing and helpers.

    private sealed record ReferralPlan(string NhsNumber, string Postcode, string DateOfBirth, bool Decline, OmahaProblem Problem, TimeWindow Window);

    private ReferralPlan Referral(TeamState team, bool decline) => new(
        _nhs.Next(),
        string.Create(CultureInfo.InvariantCulture, $"{team.District} {_random.Next(10)}{(char)('A' + _random.Next(26))}{(char)('A' + _random.Next(26))}"),
        new DateOnly(1925 + _random.Next(60), 1 + _random.Next(12), 1 + _random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decline,
        Problems[_random.Next(Problems.Length)],
        Window());

    private static readonly OmahaProblem[] Problems = [OmahaProblem.Skin, OmahaProblem.Pain, OmahaProblem.Circulation, OmahaProblem.Respiration, OmahaProblem.NeuromusculoskeletalFunction];

    private TimeWindow Window() => (TimeWindow)(1 + _random.Next(4));

    /// <summary>At least one of <paramref name="count"/> (when there are any), else each with the given chance.</summary>
    private HashSet<int> Pick(int count, double rate)
    {
        if (count == 0) return [];
        var picked = Enumerable.Range(0, count).Where(_ => _random.NextDouble() < rate).ToHashSet();
        if (picked.Count == 0) picked.Add(_random.Next(count));
        return picked;
    }

    private List<T> Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    private string Request() => string.Create(CultureInfo.InvariantCulture, $"sim-{_run}-{Interlocked.Increment(ref _requests)}");

    private CallOptions Office() => _tokens.As(Role.CentralOffice, null, "simulator-office");

    private CallOptions As(TeamState team, string nurseId) => _tokens.As(Role.Nurse, team.Id, nurseId);
}
