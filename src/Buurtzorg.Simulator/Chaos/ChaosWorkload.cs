using System.Diagnostics;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.Simulator.OrganisationDay;
using Grpc.Core;
using Ids = Buurtzorg.Domain.Common.Ids;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>A team of the run: its first nurse acts for it (she never leaves), the others come and go.</summary>
public sealed class ChaosTeam(string id, string anchorId, Metadata anchor)
{
    public string Id { get; } = id;

    public string AnchorId { get; } = anchorId;

    public Metadata Anchor { get; } = anchor;

    /// <summary>Members besides the anchor, oldest first; only the team's own staffing caller changes them.</summary>
    public List<string> Others { get; } = [];
}

/// <summary>A client as its caller knows it: on which team's caseload (if any) and the problem its ratings are for.</summary>
public sealed class ChaosClient(string clientId, string nhsNumber)
{
    public string ClientId { get; } = clientId;

    /// <summary>Kept to refer the client again after discharge (one record per NHS number); never printed.</summary>
    public string NhsNumber { get; } = nhsNumber;

    public ChaosTeam? Team { get; set; }

    /// <summary>The team the record was last with, whose nurses may read it.</summary>
    public ChaosTeam? LastTeam { get; set; }

    public string? ProblemId { get; set; }
}

/// <summary>
/// The load of a chaos run: callers acting as team apps, each with clients of its own (so a caller's writes to a
/// client never race each other), making the writes a nurse makes — referrals and admissions (a new client, or one
/// discharged earlier, to any team), problems, visits, notes, ratings, discharges — and, one caller per team, a member
/// leaving (her clients handed over) after a new one joins. Every write is sent with one request id and sent again
/// with the same id while the answer is UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL or UNKNOWN or the connection failed,
/// until it is answered or <see cref="RetryPatience"/> has passed; every answer is counted.
/// </summary>
public sealed class ChaosWorkload
{
    public static readonly TimeSpan RetryPatience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private const int NursesPerTeam = 4;

    private static readonly StatusCode[] Retried =
        [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Internal, StatusCode.Unknown, StatusCode.Aborted, StatusCode.Cancelled, StatusCode.ResourceExhausted];

    private readonly ChaosCluster _cluster;
    private readonly BenchmarkTokens _tokens;
    private readonly ChaosLedger _ledger;
    private readonly ChaosOptions _options;
    private readonly Metadata _office;
    private readonly TestNhsNumbers _nhs;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<ChaosTeam> _teams = [];
    private readonly List<ChaosClient>[] _clients;
    private long _requests;

    public ChaosWorkload(ChaosCluster cluster, BenchmarkTokens tokens, ChaosLedger ledger, ChaosOptions options)
    {
        (_cluster, _tokens, _ledger, _options) = (cluster, tokens, ledger, options);
        _office = tokens.Headers(Role.CentralOffice);
        // A database given may hold earlier runs' clients: start somewhere else in the test range.
        _nhs = new TestNhsNumbers(options.Postgres is null ? 0 : new Random().Next(0, 20_000));
        _clients = [.. Enumerable.Range(0, options.Callers).Select(_ => new List<ChaosClient>())];
    }

    public IReadOnlyList<ChaosTeam> Teams => _teams;

    public IEnumerable<ChaosClient> Clients => _clients.SelectMany(c => c);

    /// <summary>The teams, approved, each with its nurses; before any fault.</summary>
    public async Task Form(CancellationToken cancellation)
    {
        for (var t = 0; t < _options.Teams; t++)
        {
            // Each request is made once, outside the attempt: every retry sends the same request id.
            var apply = new ApplyTeamRequest
            {
                RequestId = Request(),
                Name = $"Chaos team {t}",
                Footprint = { DayOptions.Districts[t % DayOptions.Districts.Count] },
                // Room for every caller's clients; two members are safe staffing, so a member may leave.
                CapacityPolicy = new CapacityPolicy { MaxClients = 200, MaxClientsPerFte = 20, SplitSuggestedAboveMembers = 12, MinMembersForSafeStaffing = 2, FullTimeHours = 37.5 },
            };
            var applied = await Send("ApplyTeam", o => new TeamService.TeamServiceClient(o.Invoker).ApplyTeamAsync(apply, o.Options).ResponseAsync, _office, cancellation);
            var teamId = Required(applied.Value, "ApplyTeam").Team.TeamId;
            var approve = new ApproveTeamRequest { RequestId = Request(), TeamId = teamId };
            Required((await Send("ApproveTeam", o => new TeamService.TeamServiceClient(o.Invoker).ApproveTeamAsync(
                approve, o.Options).ResponseAsync, _office, cancellation)).Value, "ApproveTeam");
            ChaosTeam? team = null;
            for (var n = 0; n < NursesPerTeam; n++)
            {
                var nurse = await Register(cancellation);
                team ??= new ChaosTeam(teamId, nurse, _tokens.Headers(Role.Nurse, teamId, nurse));
                if (!await Join(team, nurse, cancellation)) throw new InvalidOperationException("A nurse could not join a chaos team.");
                if (nurse != team.AnchorId) team.Others.Add(nurse);
            }
            _teams.Add(team!);
        }
    }

    /// <summary>Every caller writes until <paramref name="stop"/>, then finishes the write it is making.</summary>
    public Task Run(CancellationToken stop, CancellationToken abandon) =>
        Task.WhenAll(Enumerable.Range(0, _options.Callers).Select(caller => Task.Run(() => Caller(caller, stop, abandon), CancellationToken.None)));

    private async Task Caller(int caller, CancellationToken stop, CancellationToken abandon)
    {
        var random = new Random(HashCode.Combine(_options.Seed, caller));
        var mine = _clients[caller];
        var discharged = new List<ChaosClient>();
        var home = _teams[caller % _teams.Count];
        var staffing = caller < _teams.Count; // one caller per team changes its members
        while (!stop.IsCancellationRequested)
        {
            var onCaseload = mine.Where(c => c.Team is not null).ToList();
            var roll = random.NextDouble();
            try
            {
                if (onCaseload.Count < 3 || roll < 0.08)
                {
                    var again = discharged.Count > 0 && random.NextDouble() < 0.5 ? discharged[random.Next(discharged.Count)] : null;
                    var team = again is null ? home : _teams[random.Next(_teams.Count)];
                    var admitted = await Admission(team, again, abandon);
                    if (admitted is not null && again is null) mine.Add(admitted);
                    if (admitted?.Team is not null && again is not null) discharged.Remove(again);
                }
                else if (roll < 0.12 && onCaseload.Count > 4)
                {
                    var client = onCaseload[random.Next(onCaseload.Count)];
                    if (await Discharge(client, abandon)) discharged.Add(client);
                }
                else if (staffing && roll < 0.13)
                {
                    await Staffing(home, abandon);
                }
                else
                {
                    var client = onCaseload[random.Next(onCaseload.Count)];
                    var kind = random.NextDouble();
                    if (kind < 0.45) await Visit(client, abandon);
                    else if (kind < 0.75) await Note(client, abandon);
                    else await Rate(client, abandon);
                }
            }
            catch (OperationCanceledException) when (abandon.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<ChaosClient?> Admission(ChaosTeam team, ChaosClient? again, CancellationToken cancellation)
    {
        var nhs = again?.NhsNumber ?? _nhs.Next();
        var refer = Request();
        var referred = await Send("Refer", o => new ReferralService.ReferralServiceClient(o.Invoker).ReferAsync(new ReferRequest
        {
            RequestId = refer,
            TeamId = team.Id,
            Source = ReferralSource.GeneralPractitioner,
            NhsNumber = nhs,
            Client = new ClientDetails { GivenName = "Chaos", FamilyName = "Client", DateOfBirth = "1940-01-01", AddressLine = "1 Test Road", Postcode = $"{DayOptions.Districts[_teams.IndexOf(team) % DayOptions.Districts.Count]} 2AB" },
            Needs = { Skill.WoundCare },
        }, o.Options).ResponseAsync, team.Anchor, cancellation);
        var referralId = Ids.Derive("ref", refer);
        var clientId = referred.Value?.Referral.ClientId ?? again?.ClientId ?? "";
        if (clientId.Length > 0) Record("Refer", refer, clientId, Ids.Derive("rr", referralId), referred);
        if (referred.Value is null) return null;
        var client = again ?? new ChaosClient(clientId, nhs);
        client.LastTeam = team;
        // Another record for a known NHS number is counted by the checker (one record per NHS number).
        if (again is not null && clientId != again.ClientId) return null;

        var admit = Request();
        var admitted = await Send("Admit", o => new ReferralService.ReferralServiceClient(o.Invoker).AdmitAsync(
            new AdmitRequest { RequestId = admit, TeamId = team.Id, ReferralId = referralId }, o.Options).ResponseAsync, team.Anchor, cancellation);
        Record("Admit", admit, clientId, Ids.Derive("adm", referralId), admitted);
        if (admitted.Value is null) return client; // refused (another team's caseload, capacity): the referral waits
        client.Team = team;

        var problem = Request();
        var added = await Send("AddProblem", o => new CareRecordService.CareRecordServiceClient(o.Invoker).AddProblemAsync(new AddProblemRequest
        {
            RequestId = problem,
            ClientId = clientId,
            RecordedBy = team.AnchorId,
            Problem = OmahaProblem.Skin,
            Scope = ProblemScope.Individual,
            Severity = ProblemSeverity.Potential,
        }, o.Options).ResponseAsync, team.Anchor, cancellation);
        Record("AddProblem", problem, clientId, Ids.Derive("prob", problem), added);
        client.ProblemId = added.Value?.Problem.ProblemId ?? client.ProblemId;
        return client;
    }

    private async Task<bool> Discharge(ChaosClient client, CancellationToken cancellation)
    {
        var team = client.Team!;
        var request = new DischargeRequest
        {
            RequestId = Request(),
            TeamId = team.Id,
            ClientId = client.ClientId,
            Reason = DischargeReason.GoalsMet,
            Summary = "Goals met.",
            RecordedBy = team.AnchorId,
        };
        if (client.ProblemId is { } problem) request.FinalRatings.Add(new FinalRating { ProblemId = problem, Rating = Rating() });
        var discharged = await Send("Discharge", o => new ReferralService.ReferralServiceClient(o.Invoker).DischargeAsync(request, o.Options).ResponseAsync,
            team.Anchor, cancellation);
        Record("Discharge", request.RequestId, client.ClientId, Ids.Derive("dis", request.RequestId), discharged);
        if (discharged.Value is null) return false;
        (client.Team, client.ProblemId) = (null, null);
        return true;
    }

    private async Task Visit(ChaosClient client, CancellationToken cancellation)
    {
        var team = client.Team!;
        var request = new RecordVisitRequest
        {
            RequestId = Request(),
            ClientId = client.ClientId,
            NurseId = team.AnchorId,
            Start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-30)),
            DurationMinutes = 30,
            DirectCareMinutes = 24,
            Note = "Chaos visit.",
        };
        var answer = await Send("RecordVisit", o => new CareRecordService.CareRecordServiceClient(o.Invoker).RecordVisitAsync(request, o.Options).ResponseAsync,
            team.Anchor, cancellation);
        Record("RecordVisit", request.RequestId, client.ClientId, Ids.Derive("visit", request.RequestId), answer);
    }

    private async Task Note(ChaosClient client, CancellationToken cancellation)
    {
        var team = client.Team!;
        var request = new AddNoteRequest { RequestId = Request(), ClientId = client.ClientId, RecordedBy = team.AnchorId, Text = "Chaos note." };
        var answer = await Send("AddNote", o => new CareRecordService.CareRecordServiceClient(o.Invoker).AddNoteAsync(request, o.Options).ResponseAsync,
            team.Anchor, cancellation);
        Record("AddNote", request.RequestId, client.ClientId, Ids.Derive("note", request.RequestId), answer);
    }

    private async Task Rate(ChaosClient client, CancellationToken cancellation)
    {
        if (client.ProblemId is not { } problem) return;
        var team = client.Team!;
        var request = new RateProblemRequest { RequestId = Request(), ClientId = client.ClientId, RecordedBy = team.AnchorId, ProblemId = problem, Rating = Rating() };
        var answer = await Send("RateProblem", o => new CareRecordService.CareRecordServiceClient(o.Invoker).RateProblemAsync(request, o.Options).ResponseAsync,
            team.Anchor, cancellation);
        Record("RateProblem", request.RequestId, client.ClientId, Ids.Derive("rate", request.RequestId), answer);
    }

    /// <summary>A new nurse joins, then the longest-serving other member leaves and her clients are handed over.</summary>
    private async Task Staffing(ChaosTeam team, CancellationToken cancellation)
    {
        var nurse = await Register(cancellation);
        if (!await Join(team, nurse, cancellation)) return;
        team.Others.Add(nurse);
        var leaving = team.Others[0];
        var leave = new LeaveTeamRequest { RequestId = Request(), TeamId = team.Id, NurseId = leaving };
        var left = await Send("LeaveTeam", o => new TeamService.TeamServiceClient(o.Invoker).LeaveTeamAsync(leave, o.Options).ResponseAsync,
            team.Anchor, cancellation);
        if (left.Value is not null) team.Others.Remove(leaving);
    }

    private async Task<string> Register(CancellationToken cancellation)
    {
        var register = BenchmarkTeam.Registrant(Request(), "Chaos nurse");
        var registered = await Send("RegisterNurse", o => new NurseService.NurseServiceClient(o.Invoker).RegisterNurseAsync(
            register, o.Options).ResponseAsync, _office, cancellation);
        return Required(registered.Value, "RegisterNurse").Nurse.NurseId;
    }

    private async Task<bool> Join(ChaosTeam team, string nurse, CancellationToken cancellation)
    {
        var join = new JoinTeamRequest { RequestId = Request(), TeamId = team.Id, NurseId = nurse };
        var joined = await Send("JoinTeam", o => new TeamService.TeamServiceClient(o.Invoker).JoinTeamAsync(join, o.Options).ResponseAsync,
            team.Anchor, cancellation); // the anchor joins herself first, then adds the others
        return joined.Value is not null;
    }

    private static OutcomeRating Rating() => new() { Knowledge = 3, Behaviour = 3, Status = 3 };

    private string Request() => $"chaos-{_run}-{Interlocked.Increment(ref _requests)}";

    private static T Required<T>(T? value, string operation) where T : class =>
        value ?? throw new InvalidOperationException($"{operation} was refused while the chaos run formed its teams.");

    private void Record<T>(string operation, string requestId, string clientId, string entryId, Answer<T> answer) where T : class =>
        _ledger.Write(new ChaosWrite(operation, requestId, clientId, entryId, answer.Outcome, answer.Status));

    /// <summary>A write's last answer: its value when acknowledged.</summary>
    private readonly record struct Answer<T>(T? Value, WriteOutcome Outcome, string Status) where T : class;

    private readonly record struct Attempt(CallInvoker Invoker, CallOptions Options);

    /// <summary>
    /// Sends a write to the ready silos in turn and sends it again, unchanged, while the answer leaves its outcome open
    /// (<see cref="Retried"/>, or a failed connection), pausing a little between attempts.
    /// </summary>
    private async Task<Answer<T>> Send<T>(string operation, Func<Attempt, Task<T>> call, Metadata headers, CancellationToken cancellation) where T : class
    {
        var giveUp = Stopwatch.GetTimestamp() + (long)(RetryPatience.TotalSeconds * Stopwatch.Frequency);
        var random = Random.Shared;
        var seen = new List<(double At, string Status)>();
        // A refusal's message is written for a nurse and free of patient data: the report may show it.
        static bool IsRefusal(RpcException e) => e.Status.DebugException is null && !Retried.Contains(e.StatusCode);
        while (true)
        {
            var invoker = await _cluster.Next(cancellation);
            try
            {
                var value = await call(new Attempt(invoker, new CallOptions(headers, DateTime.UtcNow + CallDeadline, cancellation)));
                _ledger.Answer(operation, "OK");
                _ledger.Success();
                return new Answer<T>(value, WriteOutcome.Acknowledged, "OK");
            }
            catch (RpcException e) when (!cancellation.IsCancellationRequested)
            {
                var status = ChaosLedger.StatusOf(e);
                _ledger.Answer(operation, status);
                seen.Add((_ledger.Now, IsRefusal(e) ? $"{status} \"{e.Status.Detail}\"" : status));
                var refused = IsRefusal(e);
                var unresolved = !refused && Stopwatch.GetTimestamp() > giveUp;
                if ((refused && seen.Count > 1) || unresolved) _ledger.RetriedThenRefused(operation, seen);
                if (refused) return new Answer<T>(null, WriteOutcome.Refused, status);
                if (unresolved) return new Answer<T>(null, WriteOutcome.Unresolved, status);
            }
            await Task.Delay(random.Next(100, 400), cancellation);
        }
    }
}
