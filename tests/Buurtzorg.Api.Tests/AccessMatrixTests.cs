using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Every RPC × every role × own team / other team: allowed, or PERMISSION_DENIED with a message that reveals nothing of
/// the record and a state that did not change. The expectations are written out here, independently of the rules.
/// </summary>
public sealed class AccessMatrixTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>A team with a member, a client with a care plan, a waiting referral: something for every RPC to touch.</summary>
    private sealed record World(string TeamId, string NurseId, string ClientId, string ReferralId, string ProblemId, string NoteEntryId, string MemberId, string InterventionId,
        string Colleague);

    private const string ClientFamilyName = "Matrixcase";

    private static readonly string[] Everyone = ["nurse/own", "nurse/other", "coach/own", "coach/other", "office", "ooh/reason", "ooh/none", "operator"];

    /// <summary>RPC → who may call it (besides that, everyone gets PERMISSION_DENIED).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["ApplyTeam"] = ["nurse/own", "nurse/other", "office"],
        ["ApproveTeam"] = ["office"],
        ["CloseTeam"] = ["office"],
        ["GetTeam"] = ["nurse/own", "coach/own", "office"],
        ["JoinTeam"] = ["nurse/own"],
        ["LeaveTeam"] = ["nurse/own"],
        ["SetCapacityPolicy"] = ["nurse/own"],
        ["GetCaseload"] = ["nurse/own"],
        ["GetContinuity"] = ["nurse/own", "coach/own"],
        ["RegisterNurse"] = ["nurse/own", "nurse/other", "coach/own", "coach/other", "office"],
        ["GetNurse"] = ["nurse/own", "coach/own"],
        ["AddLeavePeriod"] = ["nurse/own", "coach/own"],
        ["EndLeave"] = ["nurse/own", "coach/own"],
        ["Refer"] = ["nurse/own"],
        ["ListReferrals"] = ["nurse/own"],
        ["Admit"] = ["nurse/own"],
        ["Decline"] = ["nurse/own"],
        ["Discharge"] = ["nurse/own"],
        ["ReassignNamedNurse"] = ["nurse/own"],
        ["GetRecord"] = ["nurse/own", "ooh/reason"],
        ["GetHistory"] = ["nurse/own", "ooh/reason"],
        ["ExportFhir"] = ["nurse/own", "ooh/reason"],
        ["ListAccesses"] = ["nurse/own"],
        ["AddNetworkMember"] = ["nurse/own"],
        ["RemoveNetworkMember"] = ["nurse/own"],
        ["AddProblem"] = ["nurse/own"],
        ["ResolveProblem"] = ["nurse/own"],
        ["RateProblem"] = ["nurse/own"],
        ["AgreeGoal"] = ["nurse/own"],
        ["AddIntervention"] = ["nurse/own"],
        ["StopIntervention"] = ["nurse/own"],
        ["ScheduleReview"] = ["nurse/own"],
        ["RenewReablement"] = ["nurse/own"],
        ["RecordVisit"] = ["nurse/own"],
        ["RecordOutOfHoursVisit"] = ["nurse/own", "ooh/reason"],
        ["AddNote"] = ["nurse/own"],
        ["CorrectEntry"] = ["nurse/own"],
        ["UpdateDemographics"] = ["nurse/own"],
        ["GetVisitsDue"] = ["nurse/own"],
        ["ReviewDay"] = ["nurse/own"],
        ["ReassignVisit"] = ["nurse/own"],
        ["GetDayPlan"] = ["nurse/own"],
        // The token's own day on the token's own team: a nurse of another team reads hers, never this team's.
        ["GetMyDay"] = ["nurse/own", "nurse/other"],
        ["SetOnCall"] = ["nurse/own"],
        ["GetRota"] = ["nurse/own"],
        ["LogCall"] = ["nurse/own"],
        ["ListCalls"] = ["nurse/own"],
        ["OnCallOutOfHoursVisit"] = ["nurse/own", "ooh/reason"],
        // A batch of the team's own record writes, and its change log: the team's own nurses only.
        ["Upload"] = ["nurse/own"],
        ["Changes"] = ["nurse/own"],
    };

    public static TheoryData<string> Rpcs() => [.. Allowed.Keys];

    [Fact]
    public void The_matrix_covers_every_rpc_of_every_service()
    {
        var rpcs = new[]
            {
                TeamService.Descriptor, NurseService.Descriptor, ReferralService.Descriptor, CareRecordService.Descriptor,
                PlanningService.Descriptor, OnCallService.Descriptor, SyncService.Descriptor,
            }
            .SelectMany(s => s.Methods).Select(m => m.Name).ToHashSet();
        // RecordVisit is covered twice (team visit, out-of-hours visit); OnCallService's own out-of-hours visit has its row too.
        var covered = Allowed.Keys.Select(k => k == "OnCallOutOfHoursVisit" ? "RecordOutOfHoursVisit" : k).ToHashSet();
        Assert.Equal(rpcs.Order(), covered.Order());
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Each_role_gets_what_it_may_and_is_denied_the_rest(string rpc)
    {
        // Denied calls all go to one world, which must be unchanged afterwards; each allowed call gets a fresh world.
        var shared = await NewWorld();
        var before = await Snapshot(shared);
        foreach (var who in Everyone)
        {
            var allowed = Allowed[rpc].Contains(who);
            var world = allowed ? await NewWorld() : shared;
            var status = await Call(rpc, who, world);
            if (allowed)
            {
                Assert.True(status is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated), $"{rpc} as {who}: expected allowed, got {status}");
            }
            else
            {
                Assert.True(status == StatusCode.PermissionDenied, $"{rpc} as {who}: expected PERMISSION_DENIED, got {status}");
            }
        }
        Assert.Equal(before, await Snapshot(shared));
    }

    private async Task<World> NewWorld()
    {
        var app = host.App();
        var team = await app.TeamWithNurses(3);
        var nurse = team.Members[0].NurseId;
        var referral = (await app.Referrals.ReferAsync(Referral(team.TeamId))).Referral;
        var entry = (await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referral.ReferralId })).Entry;
        var waiting = (await app.Referrals.ReferAsync(Referral(team.TeamId))).Referral;
        var client = entry.ClientId;
        var problem = (await app.Records.AddProblemAsync(new AddProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = client,
            RecordedBy = nurse,
            Problem = OmahaProblem.Skin,
            Scope = ProblemScope.Individual,
            Severity = ProblemSeverity.Potential,
        })).Problem;
        var intervention = (await app.Records.AddInterventionAsync(new AddInterventionRequest
        {
            RequestId = NewRequest(),
            ClientId = client,
            RecordedBy = nurse,
            ProblemId = problem.ProblemId,
            Category = InterventionCategory.Surveillance,
            Target = "skin integrity",
            CareType = CareType.Reablement,
            Frequency = new VisitFrequency { Times = 1, Period = FrequencyPeriod.Day },
            TimeWindow = TimeWindow.Morning,
            DurationMinutes = 20,
            Skills = { Skill.WoundCare },
        })).Intervention;
        var note = (await app.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = client, RecordedBy = nurse, Text = $"Visited {ClientFamilyName}." })).Note;
        var member = (await app.Records.AddNetworkMemberAsync(new AddNetworkMemberRequest
        {
            RequestId = NewRequest(),
            ClientId = client,
            RecordedBy = nurse,
            Role = NetworkRole.Family,
            Name = "Daughter",
            ContactPreference = ContactPreference.Phone,
        })).Member;
        // "nurse/own" is a current member of the team (the grains check membership), not the client's named nurse.
        var colleague = team.Members.First(m => m.NurseId != entry.NamedNurseId).NurseId;
        return new World(team.TeamId, entry.NamedNurseId, client, waiting.ReferralId, problem.ProblemId, note.NoteId, member.MemberId, intervention.InterventionId,
            colleague);
    }

    private async Task<string> Snapshot(World world)
    {
        var nurse = host.App().As(new Caller(world.Colleague, Role.Nurse, world.TeamId));
        var team = await nurse.Teams.GetTeamAsync(new GetTeamRequest { TeamId = world.TeamId });
        var caseload = await nurse.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = world.TeamId });
        var referrals = await nurse.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = world.TeamId });
        var history = await nurse.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = world.ClientId, PageSize = 500 });
        return string.Join("\n", new IMessage[] { team, caseload, referrals, history }.Select(m => m.ToString()));
    }

    private async Task<StatusCode> Call(string rpc, string who, World w)
    {
        var app = host.App();
        var caller = who switch
        {
            "nurse/own" => app.As(new Caller(w.Colleague, Role.Nurse, w.TeamId)),
            "nurse/other" => app.As(new Caller("nurse-m", Role.Nurse, "team-other")),
            "coach/own" => app.As(new Caller("coach-m", Role.Coach, w.TeamId)),
            "coach/other" => app.As(new Caller("coach-m", Role.Coach, "team-other")),
            "office" => app.As(new Caller("office-m", Role.CentralOffice, null)),
            "ooh/reason" => app.As(new Caller("ooh-m", Role.OutOfHours, null), "Night call: client unwell"),
            "ooh/none" => app.As(new Caller("ooh-m", Role.OutOfHours, null)),
            _ => app.As(new Caller("operator-m", Role.Operator, null)),
        };
        try
        {
            await Invoke(caller, rpc, w);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            if (e.StatusCode == StatusCode.PermissionDenied)
            {
                Assert.DoesNotContain(ClientFamilyName, e.Status.Detail);
                Assert.DoesNotContain(w.ClientId, e.Status.Detail);
            }
            return e.StatusCode;
        }
    }

    private static Task Invoke(TeamApp a, string rpc, World w)
    {
        var r = NewRequest();
        var yesterday = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-20));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var policy = new CapacityPolicy { MaxClients = 50, MaxClientsPerFte = 6, SplitSuggestedAboveMembers = 12, MinMembersForSafeStaffing = 4, FullTimeHours = 37.5 };
        return rpc switch
        {
            "ApplyTeam" => a.Teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = r, Name = "Matrix", Footprint = { "E3" } }).ResponseAsync,
            "ApproveTeam" => a.Teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = r, TeamId = w.TeamId }).ResponseAsync,
            "CloseTeam" => a.Teams.CloseTeamAsync(new CloseTeamRequest { RequestId = r, TeamId = w.TeamId }).ResponseAsync,
            "GetTeam" => a.Teams.GetTeamAsync(new GetTeamRequest { TeamId = w.TeamId }).ResponseAsync,
            "JoinTeam" => a.Teams.JoinTeamAsync(new JoinTeamRequest { RequestId = r, TeamId = w.TeamId, NurseId = w.NurseId }).ResponseAsync,
            "LeaveTeam" => a.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = r, TeamId = w.TeamId, NurseId = w.NurseId }).ResponseAsync,
            "SetCapacityPolicy" => a.Teams.SetCapacityPolicyAsync(new SetCapacityPolicyRequest { RequestId = r, TeamId = w.TeamId, CapacityPolicy = policy }).ResponseAsync,
            "GetCaseload" => a.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = w.TeamId }).ResponseAsync,
            "GetContinuity" => a.Teams.GetContinuityAsync(new GetContinuityRequest { TeamId = w.TeamId }).ResponseAsync,
            "RegisterNurse" => a.Nurses.RegisterNurseAsync(new RegisterNurseRequest { RequestId = r, DisplayName = "New", Role = NurseRole.NursingAssistant, ContractedHoursPerWeek = 20 }).ResponseAsync,
            "GetNurse" => a.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = w.NurseId }).ResponseAsync,
            "AddLeavePeriod" => a.Nurses.AddLeavePeriodAsync(new AddLeavePeriodRequest { RequestId = r, NurseId = w.NurseId, Period = new LeavePeriod { StartDate = today, EndDate = today } }).ResponseAsync,
            "EndLeave" => a.Nurses.EndLeaveAsync(new EndLeaveRequest { RequestId = r, NurseId = w.NurseId }).ResponseAsync,
            "Refer" => a.Referrals.ReferAsync(Referral(w.TeamId)).ResponseAsync,
            "ListReferrals" => a.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = w.TeamId }).ResponseAsync,
            "Admit" => a.Referrals.AdmitAsync(new AdmitRequest { RequestId = r, TeamId = w.TeamId, ReferralId = w.ReferralId }).ResponseAsync,
            "Decline" => a.Referrals.DeclineAsync(new DeclineRequest { RequestId = r, TeamId = w.TeamId, ReferralId = w.ReferralId, Reason = DeclineReason.TeamChoice }).ResponseAsync,
            "Discharge" => a.Referrals.DischargeAsync(new DischargeRequest { RequestId = r, TeamId = w.TeamId, ClientId = w.ClientId, Reason = DischargeReason.GoalsMet, RecordedBy = w.NurseId }).ResponseAsync,
            "ReassignNamedNurse" => a.Referrals.ReassignNamedNurseAsync(new ReassignNamedNurseRequest { RequestId = r, TeamId = w.TeamId, ClientId = w.ClientId, NamedNurseId = w.NurseId }).ResponseAsync,
            "GetRecord" => a.Records.GetRecordAsync(new GetRecordRequest { ClientId = w.ClientId }).ResponseAsync,
            "GetHistory" => a.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = w.ClientId }).ResponseAsync,
            "ExportFhir" => a.Records.ExportFhirAsync(new ExportFhirRequest { ClientId = w.ClientId }).ResponseAsync,
            "ListAccesses" => a.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = w.ClientId }).ResponseAsync,
            "AddNetworkMember" => a.Records.AddNetworkMemberAsync(new AddNetworkMemberRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, Role = NetworkRole.Neighbour, Name = "Neighbour", ContactPreference = ContactPreference.InPerson }).ResponseAsync,
            "RemoveNetworkMember" => a.Records.RemoveNetworkMemberAsync(new RemoveNetworkMemberRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, MemberId = w.MemberId }).ResponseAsync,
            "AddProblem" => a.Records.AddProblemAsync(new AddProblemRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, Problem = OmahaProblem.Pain, Scope = ProblemScope.Individual, Severity = ProblemSeverity.Potential }).ResponseAsync,
            "ResolveProblem" => a.Records.ResolveProblemAsync(new ResolveProblemRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, ProblemId = w.ProblemId }).ResponseAsync,
            "RateProblem" => a.Records.RateProblemAsync(new RateProblemRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, ProblemId = w.ProblemId, Rating = new OutcomeRating { Knowledge = 3, Behaviour = 3, Status = 3 } }).ResponseAsync,
            "AgreeGoal" => a.Records.AgreeGoalAsync(new AgreeGoalRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, ProblemId = w.ProblemId, Description = "Skin stays whole", AgreedBy = AgreedBy.Client, AgreedByName = "The client" }).ResponseAsync,
            "AddIntervention" => a.Records.AddInterventionAsync(new AddInterventionRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, ProblemId = w.ProblemId, Category = InterventionCategory.TeachingGuidanceCounseling, Target = "skin care", CareType = CareType.Nursing, Frequency = new VisitFrequency { Times = 1, Period = FrequencyPeriod.Week }, TimeWindow = TimeWindow.Any, DurationMinutes = 15 }).ResponseAsync,
            "StopIntervention" => a.Records.StopInterventionAsync(new StopInterventionRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, InterventionId = w.InterventionId }).ResponseAsync,
            "ScheduleReview" => a.Records.ScheduleReviewAsync(new ScheduleReviewRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, DueDate = today }).ResponseAsync,
            "RenewReablement" => a.Records.RenewReablementAsync(new RenewReablementRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId }).ResponseAsync,
            "RecordVisit" => a.Records.RecordVisitAsync(new RecordVisitRequest { RequestId = r, ClientId = w.ClientId, NurseId = w.NurseId, Start = yesterday, DurationMinutes = 30, DirectCareMinutes = 20 }).ResponseAsync,
            "RecordOutOfHoursVisit" => a.Records.RecordVisitAsync(new RecordVisitRequest { RequestId = r, ClientId = w.ClientId, NurseId = w.NurseId, Start = yesterday, DurationMinutes = 30, DirectCareMinutes = 20, OutOfHours = true }).ResponseAsync,
            "AddNote" => a.Records.AddNoteAsync(new AddNoteRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, Text = "A note." }).ResponseAsync,
            "GetVisitsDue" => a.Planning.GetVisitsDueAsync(new GetVisitsDueRequest { TeamId = w.TeamId, Day = today }).ResponseAsync,
            "ReviewDay" => a.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = r, TeamId = w.TeamId, Day = tomorrow }).ResponseAsync,
            "ReassignVisit" => a.Planning.ReassignVisitAsync(new ReassignVisitRequest { RequestId = r, TeamId = w.TeamId, Day = tomorrow, VisitId = "visit-x", NurseId = w.NurseId }).ResponseAsync,
            "GetDayPlan" => a.Planning.GetDayPlanAsync(new GetDayPlanRequest { TeamId = w.TeamId, Day = tomorrow }).ResponseAsync,
            "GetMyDay" => a.Planning.GetMyDayAsync(new GetMyDayRequest { Day = today }).ResponseAsync,
            "SetOnCall" => a.OnCall.SetOnCallAsync(new SetOnCallRequest { RequestId = r, TeamId = w.TeamId, Night = tomorrow, NurseId = w.NurseId }).ResponseAsync,
            "GetRota" => a.OnCall.GetRotaAsync(new GetRotaRequest { TeamId = w.TeamId, FromNight = today, ToNight = tomorrow }).ResponseAsync,
            "LogCall" => a.OnCall.LogCallAsync(new LogCallRequest { RequestId = r, TeamId = w.TeamId, ClientId = w.ClientId, At = yesterday, Outcome = TriageOutcome.AdviceGiven, Note = "Reassured." }).ResponseAsync,
            "ListCalls" => a.OnCall.ListCallsAsync(new ListCallsRequest { TeamId = w.TeamId, Night = today }).ResponseAsync,
            "OnCallOutOfHoursVisit" => a.OnCall.RecordOutOfHoursVisitAsync(new RecordOutOfHoursVisitRequest { RequestId = r, ClientId = w.ClientId, NurseId = w.NurseId, Start = yesterday, DurationMinutes = 20, DirectCareMinutes = 15 }).ResponseAsync,
            "CorrectEntry" => a.Records.CorrectEntryAsync(new CorrectEntryRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, EntryId = w.NoteEntryId, Reason = "Typo", Note = new Note { Text = "A corrected note." } }).ResponseAsync,
            "UpdateDemographics" => a.Records.UpdateDemographicsAsync(new UpdateDemographicsRequest { RequestId = r, ClientId = w.ClientId, Source = DemographicsSource.PdsLookup, Details = new ClientDetails { GivenName = "Edith", FamilyName = ClientFamilyName, DateOfBirth = "1938-04-12", AddressLine = "12 Roman Road", Postcode = "E3 2AB" } }).ResponseAsync,
            "Upload" => a.Sync.UploadAsync(new UploadRequest { TeamId = w.TeamId, Items = { new UploadItem { AddNote = new AddNoteRequest { RequestId = r, ClientId = w.ClientId, RecordedBy = w.NurseId, Text = "Written offline.", WrittenAt = yesterday } } } }).ResponseAsync,
            "Changes" => a.Sync.ChangesAsync(new ChangesRequest { TeamId = w.TeamId }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "not in the matrix"),
        };
    }
}
