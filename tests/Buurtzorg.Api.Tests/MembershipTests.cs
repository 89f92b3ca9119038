using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Access follows membership, not the token: a nurse's token names her team, but only a current member of that team
/// reaches its data. Refused attempts on a record are kept in its audit trail; a malformed team id is bad input.
/// </summary>
public sealed class MembershipTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    private static void AssertNotAMember(RpcException e)
    {
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal(AccessPolicy.NotAMember, e.Status.Detail);
        Assert.Equal(AccessPolicy.NotAMemberReason, e.Trailers.GetValue(ErrorInterceptor.ReasonTrailer));
    }

    [Fact]
    public async Task A_nurse_who_left_the_team_is_refused_at_once_though_her_token_still_names_it()
    {
        var team = await _app.TeamWithNurses(3);
        var entry = await _app.Admitted(team.TeamId);
        var leaver = team.Members.Select(m => m.NurseId).First(n => n != entry.NamedNurseId);
        var her = _app.As(new Caller(leaver, Role.Nurse, team.TeamId));
        await her.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId });

        await _app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = NewRequest(), TeamId = team.TeamId, NurseId = leaver });

        // The same token, minutes later: nothing of the team's or its clients' data.
        AssertNotAMember(await Refused(() => her.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = entry.ClientId }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.Records.AddNoteAsync(new AddNoteRequest
        {
            RequestId = NewRequest(),
            ClientId = entry.ClientId,
            RecordedBy = leaver,
            Text = "Written after leaving.",
        }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId }).ResponseAsync));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        AssertNotAMember(await Refused(() => her.Planning.GetVisitsDueAsync(new GetVisitsDueRequest { TeamId = team.TeamId, Day = today }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.OnCall.ListCallsAsync(new ListCallsRequest { TeamId = team.TeamId, Night = today }).ResponseAsync));
        AssertNotAMember(await Refused(() => her.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = entry.NamedNurseId }).ResponseAsync));
        var rejoin = new JoinTeamRequest { RequestId = NewRequest(), TeamId = team.TeamId, NurseId = leaver };
        AssertNotAMember(await Refused(() => her.Teams.JoinTeamAsync(rejoin).ResponseAsync));

        // Her own profile stays hers; the note never landed.
        Assert.Equal("", (await her.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = leaver })).Nurse.TeamId);
        var history = await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = entry.ClientId });
        Assert.DoesNotContain(history.Entries, e => e.Kind == "note_added");
    }

    [Fact]
    public async Task A_nurse_of_another_team_holding_a_token_that_names_this_team_reads_nothing_of_it()
    {
        var team = await _app.TeamWithNurses(2);
        var entry = await _app.Admitted(team.TeamId);
        var elsewhere = await _app.TeamWithNurses(1);
        var stranger = _app.As(new Caller(elsewhere.Members[0].NurseId, Role.Nurse, team.TeamId));

        AssertNotAMember(await Refused(() => stranger.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId }).ResponseAsync));
        AssertNotAMember(await Refused(() => stranger.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = entry.ClientId }).ResponseAsync));
        AssertNotAMember(await Refused(() => stranger.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId }).ResponseAsync));
        AssertNotAMember(await Refused(() => stranger.Referrals.ReferAsync(Referral(team.TeamId)).ResponseAsync));
        Assert.Single((await _app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId })).Referrals);
    }

    [Fact]
    public async Task A_new_team_is_joined_by_its_first_nurse_herself_who_then_adds_her_colleagues()
    {
        var team = await _app.ActiveTeam();
        var (first, second) = (await _app.RegisterNurse(), await _app.RegisterNurse());
        var asSecond = _app.As(new Caller(second.NurseId, Role.Nurse, team.TeamId));
        var asFirst = _app.As(new Caller(first.NurseId, Role.Nurse, team.TeamId));
        JoinTeamRequest Join(Nurse nurse) => new() { RequestId = NewRequest(), TeamId = team.TeamId, NurseId = nurse.NurseId };

        AssertNotAMember(await Refused(() => asSecond.Teams.JoinTeamAsync(Join(first)).ResponseAsync));
        await asFirst.Teams.JoinTeamAsync(Join(first));
        AssertNotAMember(await Refused(() => asSecond.Teams.JoinTeamAsync(Join(second)).ResponseAsync));
        var joined = (await asFirst.Teams.JoinTeamAsync(Join(second))).Team;

        Assert.Equal([first.NurseId, second.NurseId], joined.Members.Select(m => m.NurseId));
        Assert.Equal(2, (await asSecond.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId })).Team.Members.Count);
    }

    [Fact]
    public async Task Refused_attempts_on_a_record_are_kept_in_its_audit_trail_one_line_each_without_patient_data()
    {
        var team = await _app.TeamWithNurses(3);
        var entry = await _app.Admitted(team.TeamId);
        var leaver = team.Members.Select(m => m.NurseId).First(n => n != entry.NamedNurseId);
        await _app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = NewRequest(), TeamId = team.TeamId, NurseId = leaver });
        var her = _app.As(new Caller(leaver, Role.Nurse, team.TeamId));
        var otherTeam = _app.As(new Caller("nurse-elsewhere", Role.Nurse, "team-elsewhere"));

        await Refused(() => her.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId }).ResponseAsync);
        await Refused(() => her.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId }).ResponseAsync);
        var note = new AddNoteRequest { RequestId = NewRequest(), ClientId = entry.ClientId, RecordedBy = leaver, Text = "Late note." };
        await Refused(() => her.Records.AddNoteAsync(note).ResponseAsync);
        await Refused(() => otherTeam.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = entry.ClientId }).ResponseAsync);

        var member = _app.As(new Caller(entry.NamedNurseId, Role.Nurse, team.TeamId));
        var accesses = (await member.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = entry.ClientId })).Accesses;
        var denied = accesses.Where(a => a.Action.StartsWith("denied ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                (leaver, "nurse", team.TeamId, "denied read record"),
                (leaver, "nurse", team.TeamId, "denied read record"),
                (leaver, "nurse", team.TeamId, "denied write note_added"),
                ("nurse-elsewhere", "nurse", "team-elsewhere", "denied read history"),
            ],
            denied.Select(a => (a.Subject, a.Role, a.TeamId, a.Action)));
        Assert.All(denied, a => Assert.True(a.At is not null && a.Reason.Length == 0));
        // Nothing of the record: no name, no note text (the client is "Edith Testcase" of 12 Roman Road).
        var text = string.Join("\n", denied.Select(a => a.ToString()));
        foreach (var patientData in new[] { "Edith", "Testcase", "Roman Road", "Late note" })
            Assert.DoesNotContain(patientData, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_attempts_on_a_record_that_does_not_exist_leave_no_trail_anywhere()
    {
        var nurse = _app.As(new Caller("nurse-elsewhere", Role.Nurse, "team-elsewhere"));

        // Made-up ids never become audit rows: a flood of them would otherwise write without bound.
        for (var i = 0; i < 3; i++)
        {
            var note = new AddNoteRequest { RequestId = NewRequest(), ClientId = $"client-made-up-{i}", RecordedBy = "n", Text = "x" };
            await Refused(() => nurse.Records.AddNoteAsync(note).ResponseAsync);
        }

        var trail = host.Services.GetRequiredService<IAuditTrail>();
        for (var i = 0; i < 3; i++) Assert.Empty(await trail.For($"client-made-up-{i}"));
    }

    public static TheoryData<string> RpcsTakingATeamId() =>
    [
        .. new[]
            {
                TeamService.Descriptor, NurseService.Descriptor, ReferralService.Descriptor, CareRecordService.Descriptor,
                PlanningService.Descriptor, OnCallService.Descriptor, CentralOfficeService.Descriptor,
            }
            .SelectMany(s => s.Methods)
            .Where(m => !m.IsServerStreaming && !m.IsClientStreaming && m.InputType.FindFieldByName("team_id") is not null)
            .Select(m => m.FullName),
    ];

    [Theory]
    [MemberData(nameof(RpcsTakingATeamId))]
    public async Task A_malformed_team_id_is_invalid_argument_before_any_access_decision(string rpc)
    {
        var method = FindMethod(rpc);
        var request = method.InputType.Parser.ParseFrom(ByteString.Empty);
        method.InputType.FindFieldByName("team_id").Accessor.SetValue(request, "Bow East!");
        // A nurse whose token names another team: before, the answer was PERMISSION_DENIED "belongs to another team".
        var token = host.Mint(new Caller("nurse-x", Role.Nurse, "team-other"));
        var raw = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);

        var options = new CallOptions(new Metadata { { "authorization", $"Bearer {token}" } });
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            host.Channel.CreateCallInvoker().AsyncUnaryCall(raw, null, options, request.ToByteArray()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("team_id is not a valid id", e.Status.Detail, StringComparison.Ordinal);
    }

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static MethodDescriptor FindMethod(string fullName) =>
        new[]
        {
            TeamService.Descriptor, NurseService.Descriptor, ReferralService.Descriptor, CareRecordService.Descriptor,
            PlanningService.Descriptor, OnCallService.Descriptor, CentralOfficeService.Descriptor,
        }.SelectMany(s => s.Methods).Single(m => m.FullName == fullName);
}
