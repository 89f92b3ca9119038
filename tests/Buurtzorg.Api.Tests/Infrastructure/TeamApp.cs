using Buurtzorg.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Buurtzorg.Api.Tests.Infrastructure;

/// <summary>
/// What a team app does, through the real gRPC clients, with fresh request ids and made-up people. Each call carries a
/// token for whoever would make it (<see cref="ActingCaller"/>), or for one fixed caller (<see cref="As"/>).
/// </summary>
public sealed class TeamApp
{
    private static int _nhs = 20_000;

    private readonly GrpcChannel _channel;
    private readonly ActingCaller _acting;

    public TeamApp(GrpcChannel channel, Func<Grains.Security.Caller, string> mint)
        : this(channel, new ActingCaller(mint))
    {
    }

    private TeamApp(GrpcChannel channel, ActingCaller acting)
    {
        (_channel, _acting) = (channel, acting);
        var invoker = channel.Intercept(acting);
        Teams = new(invoker);
        Nurses = new(invoker);
        Referrals = new(invoker);
        Records = new(invoker);
        Planning = new(invoker);
        OnCall = new(invoker);
        Sync = new(invoker);
    }

    /// <summary>The same app, every call made as <paramref name="caller"/> (stating <paramref name="reason"/>).</summary>
    public TeamApp As(Grains.Security.Caller caller, string? reason = null) => new(_channel, _acting.As(caller, reason));

    public TeamService.TeamServiceClient Teams { get; }
    public NurseService.NurseServiceClient Nurses { get; }
    public ReferralService.ReferralServiceClient Referrals { get; }
    public CareRecordService.CareRecordServiceClient Records { get; }
    public PlanningService.PlanningServiceClient Planning { get; }
    public OnCallService.OnCallServiceClient OnCall { get; }
    public SyncService.SyncServiceClient Sync { get; }

    public static string NewRequest() => Guid.NewGuid().ToString();

    public static string NextNhsNumber() => Domain.Common.NhsNumber.ForTesting(Interlocked.Increment(ref _nhs)).Digits;

    public async Task<Team> ActiveTeam(params string[] footprint)
    {
        var applied = await Teams.ApplyTeamAsync(new ApplyTeamRequest
        {
            RequestId = NewRequest(),
            Name = "Bow East",
            Footprint = { footprint.Length == 0 ? ["E3 2", "E3 3"] : footprint },
            GpPractices = { "Bow Health Centre" },
        });
        return (await Teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = NewRequest(), TeamId = applied.Team.TeamId })).Team;
    }

    public async Task<Nurse> RegisterNurse(double hours = 37.5, NurseRole role = NurseRole.RegisteredNurse, params Skill[] skills) =>
        (await Nurses.RegisterNurseAsync(new RegisterNurseRequest
        {
            RequestId = NewRequest(),
            DisplayName = "Test Nurse",
            Role = role,
            NmcPin = role == NurseRole.NursingAssistant ? "" : "12A3456B",
            ContractedHoursPerWeek = hours,
            Skills = { skills.Length == 0 ? [Skill.WoundCare, Skill.DiabetesCare, Skill.PersonalCare] : skills },
        })).Nurse;

    public async Task<Team> Join(string teamId, Nurse nurse) =>
        (await Teams.JoinTeamAsync(new JoinTeamRequest { RequestId = NewRequest(), TeamId = teamId, NurseId = nurse.NurseId })).Team;

    public async Task<Team> TeamWithNurses(int count)
    {
        var team = await ActiveTeam();
        for (var i = 0; i < count; i++) team = await Join(team.TeamId, await RegisterNurse());
        return team;
    }

    public static ReferRequest Referral(string teamId, string? nhsNumber = null, string postcode = "E3 2AB", params Skill[] needs) => new()
    {
        RequestId = NewRequest(),
        TeamId = teamId,
        Source = ReferralSource.GeneralPractitioner,
        NhsNumber = nhsNumber ?? NextNhsNumber(),
        Client = new ClientDetails
        {
            GivenName = "Edith",
            FamilyName = "Testcase",
            DateOfBirth = "1938-04-12",
            AddressLine = "12 Roman Road",
            Postcode = postcode,
        },
        Needs = { needs.Length == 0 ? [Skill.WoundCare] : needs },
    };

    public async Task<CaseloadEntry> Admitted(string teamId)
    {
        var referral = await Referrals.ReferAsync(Referral(teamId));
        return (await Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = teamId, ReferralId = referral.Referral.ReferralId })).Entry;
    }

    public Task<RecordVisitResponse> Visit(string clientId, string nurseId, DateTimeOffset start, string? requestId = null) =>
        Records.RecordVisitAsync(VisitRequest(clientId, nurseId, start, requestId)).ResponseAsync;

    /// <summary>A half-hour visit with a short note, as the stories record one.</summary>
    public static RecordVisitRequest VisitRequest(string clientId, string nurseId, DateTimeOffset start, string? requestId = null) => new()
    {
        RequestId = requestId ?? NewRequest(),
        ClientId = clientId,
        NurseId = nurseId,
        Start = Timestamp.FromDateTimeOffset(start),
        DurationMinutes = 30,
        DirectCareMinutes = 25,
        Note = "Dressing changed; healing well.",
    };

    /// <summary>The commonest problem in the stories: an actual skin problem (an ulcer, a lesion), noted by the named nurse.</summary>
    public async Task<Problem> AddSkinProblem(CaseloadEntry client, string sign = "lesion") =>
        (await Records.AddProblemAsync(new AddProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            Problem = OmahaProblem.Skin,
            Scope = ProblemScope.Individual,
            Severity = ProblemSeverity.Actual,
            SignsAndSymptoms = { sign },
        })).Problem;

    /// <summary>The named nurse rates a problem (Knowledge, Behaviour, Status, 1 to 5).</summary>
    public async Task<Problem> Rate(CaseloadEntry client, string problemId, int knowledge, int behaviour, int status) =>
        (await Records.RateProblemAsync(new RateProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            ProblemId = problemId,
            Rating = new OutcomeRating { Knowledge = knowledge, Behaviour = behaviour, Status = status },
        })).Problem;

    /// <summary>
    /// Wound care for a problem, added by the client's named nurse: by default daily, in the morning, 30 minutes.
    /// </summary>
    public async Task<Intervention> AddWoundCare(CaseloadEntry client, string problemId, TimeWindow window = TimeWindow.Morning,
        int minutes = 30, VisitFrequency? frequency = null) =>
        (await Records.AddInterventionAsync(new AddInterventionRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            ProblemId = problemId,
            Category = InterventionCategory.TreatmentsProcedures,
            Target = "wound care",
            CareType = CareType.Nursing,
            Frequency = frequency ?? new VisitFrequency { Times = 1, Period = FrequencyPeriod.Day },
            TimeWindow = window,
            DurationMinutes = minutes,
            Skills = { Skill.WoundCare },
        })).Intervention;

    /// <summary>
    /// Reads until <paramref name="done"/> holds, for what reaches a grain one-way (a record telling its team), and
    /// fails if it never does.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 50 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }
        Assert.True(done(value), "the change never arrived");
        return value;
    }

    /// <summary>Calls and expects a refusal; returns it for the test to look at the code and message.</summary>
    public static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);
}
