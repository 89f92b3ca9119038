using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Bad input gets a clear status and a message a nurse's app can show — never UNKNOWN or INTERNAL — and changes nothing.
/// </summary>
public sealed class BadInputTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    private static void AssertRefused(RpcException e, StatusCode code, string messagePart)
    {
        Assert.Equal(code, e.StatusCode);
        Assert.Contains(messagePart, e.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<int> Referrals(string teamId) =>
        (await _app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = teamId })).Referrals.Count;

    [Theory]
    [InlineData("9434765918", "check digit")]
    [InlineData("943476591", "10 digits")]
    [InlineData("", "required")]
    public async Task An_invalid_NHS_number_is_refused_without_echoing_it_and_no_referral_is_recorded(string nhs, string message)
    {
        var team = await _app.TeamWithNurses(2);
        var e = await Refused(() => _app.Referrals.ReferAsync(Referral(team.TeamId, nhs)).ResponseAsync);
        AssertRefused(e, StatusCode.InvalidArgument, message);
        if (nhs.Length > 0) Assert.DoesNotContain(nhs, e.Status.Detail);
        Assert.Equal(0, await Referrals(team.TeamId));
    }

    [Theory]
    [InlineData("1234567", "NMC PIN")]
    [InlineData("", "NMC PIN is required")]
    public async Task A_registered_nurse_with_a_malformed_PIN_is_refused_and_not_registered(string pin, string message)
    {
        var request = new RegisterNurseRequest { RequestId = NewRequest(), DisplayName = "Test Nurse", Role = NurseRole.RegisteredNurse, NmcPin = pin, ContractedHoursPerWeek = 30 };
        AssertRefused(await Refused(() => _app.Nurses.RegisterNurseAsync(request).ResponseAsync), StatusCode.InvalidArgument, message);
        request.NmcPin = "12A3456B";
        var registered = await _app.Nurses.RegisterNurseAsync(request);
        Assert.Equal("12A3456B", registered.Nurse.NmcPin); // the same request id was free: the refusal stored nothing
    }

    [Fact]
    public async Task Unknown_teams_and_nurses_are_not_found()
    {
        AssertRefused(await Refused(() => _app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = "team-does-not-exist" }).ResponseAsync), StatusCode.NotFound, "no team");
        AssertRefused(await Refused(() => _app.Referrals.ReferAsync(Referral("team-does-not-exist")).ResponseAsync), StatusCode.NotFound, "no team");
        AssertRefused(await Refused(() => _app.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = "nurse-nobody" }).ResponseAsync), StatusCode.NotFound, "no nurse");

        var team = await _app.TeamWithNurses(2);
        var e = await Refused(() => _app.Teams.JoinTeamAsync(new JoinTeamRequest { RequestId = NewRequest(), TeamId = team.TeamId, NurseId = "nurse-nobody" }).ResponseAsync);
        AssertRefused(e, StatusCode.NotFound, "no nurse");
        Assert.Equal(2, (await _app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId })).Team.Members.Count);
        AssertRefused(await Refused(() => _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = "c-0000000000000000" }).ResponseAsync), StatusCode.NotFound, "no client record");
    }

    [Fact]
    public async Task A_client_outside_the_footprint_is_not_admitted_and_stays_waiting()
    {
        var team = await _app.TeamWithNurses(4);
        var referral = (await _app.Referrals.ReferAsync(Referral(team.TeamId, postcode: "E3 5XY"))).Referral;

        var e = await Refused(() => _app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referral.ReferralId }).ResponseAsync);

        AssertRefused(e, StatusCode.FailedPrecondition, "outside the team's neighbourhood");
        Assert.Equal("OUTSIDE_FOOTPRINT", e.Trailers.GetValue("buurtzorg-reason"));
        Assert.Empty((await _app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId })).Entries);
        var waiting = (await _app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId })).Referrals.Single();
        Assert.Equal(ReferralStatus.Waiting, waiting.Status);

        var declined = await _app.Referrals.DeclineAsync(new DeclineRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referral.ReferralId, Reason = DeclineReason.OutsideFootprint });
        Assert.Equal(ReferralStatus.Declined, declined.Referral.Status);
    }

    [Fact]
    public async Task Empty_and_oversized_strings_are_refused_and_change_nothing()
    {
        AssertRefused(await Refused(() => _app.Teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = NewRequest(), Name = "  ", Footprint = { "E3" } }).ResponseAsync),
            StatusCode.InvalidArgument, "Team name is required");
        AssertRefused(await Refused(() => _app.Teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = NewRequest(), Name = new string('x', 201), Footprint = { "E3" } }).ResponseAsync),
            StatusCode.InvalidArgument, "too long");
        AssertRefused(await Refused(() => _app.Teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = "", Name = "Bow", Footprint = { "E3" } }).ResponseAsync),
            StatusCode.InvalidArgument, "request_id");

        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var note = new AddNoteRequest { RequestId = NewRequest(), ClientId = client.ClientId, RecordedBy = client.NamedNurseId, Text = new string('n', 4001) };
        AssertRefused(await Refused(() => _app.Records.AddNoteAsync(note).ResponseAsync), StatusCode.InvalidArgument, "too long");
        note.Text = "";
        AssertRefused(await Refused(() => _app.Records.AddNoteAsync(note).ResponseAsync), StatusCode.InvalidArgument, "required");
        var history = (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId })).Entries;
        Assert.DoesNotContain(history, h => h.Kind == "note_added");
    }

    [Fact]
    public async Task Oversized_requests_and_overlong_lists_are_refused_plainly()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var huge = new AddNoteRequest { RequestId = NewRequest(), ClientId = client.ClientId, RecordedBy = client.NamedNurseId, Text = new string('x', 300 * 1024) };
        AssertRefused(await Refused(() => _app.Records.AddNoteAsync(huge).ResponseAsync), StatusCode.InvalidArgument, "too large");

        var visit = new RecordVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            NurseId = client.NamedNurseId,
            DurationMinutes = 30,
            DirectCareMinutes = 20,
            Start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
        };
        visit.InterventionsDone.AddRange(Enumerable.Range(0, 51).Select(i => $"int-{i}"));
        AssertRefused(await Refused(() => _app.Records.RecordVisitAsync(visit).ResponseAsync), StatusCode.InvalidArgument, "at most 50");
        var apply = new ApplyTeamRequest { RequestId = NewRequest(), Name = "Too wide", Footprint = { Enumerable.Range(1, 60).Select(i => $"E{i}") } };
        AssertRefused(await Refused(() => _app.Teams.ApplyTeamAsync(apply).ResponseAsync), StatusCode.InvalidArgument, "at most 50");
        Assert.Empty((await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record.Visits);
    }

    [Fact]
    public async Task Unknown_enum_values_are_refused()
    {
        var nurse = new RegisterNurseRequest { RequestId = NewRequest(), DisplayName = "Test Nurse", Role = (NurseRole)99, NmcPin = "12A3456B", ContractedHoursPerWeek = 30 };
        AssertRefused(await Refused(() => _app.Nurses.RegisterNurseAsync(nurse).ResponseAsync), StatusCode.InvalidArgument, "role");
        nurse.Role = NurseRole.Unspecified;
        AssertRefused(await Refused(() => _app.Nurses.RegisterNurseAsync(nurse).ResponseAsync), StatusCode.InvalidArgument, "role");

        var team = await _app.TeamWithNurses(2);
        var referral = Referral(team.TeamId);
        referral.Needs.Add((Skill)77);
        AssertRefused(await Refused(() => _app.Referrals.ReferAsync(referral).ResponseAsync), StatusCode.InvalidArgument, "needs");
        Assert.Equal(0, await Referrals(team.TeamId));

        var client = await _app.Admitted(team.TeamId);
        var problem = new AddProblemRequest { RequestId = NewRequest(), ClientId = client.ClientId, RecordedBy = client.NamedNurseId, Problem = (OmahaProblem)43, Scope = ProblemScope.Individual, Severity = ProblemSeverity.Potential };
        AssertRefused(await Refused(() => _app.Records.AddProblemAsync(problem).ResponseAsync), StatusCode.InvalidArgument, "problem");
    }

    [Fact]
    public async Task Discharging_a_client_who_was_never_admitted_is_refused()
    {
        var team = await _app.TeamWithNurses(2);
        var referral = (await _app.Referrals.ReferAsync(Referral(team.TeamId))).Referral;
        var e = await Refused(() => _app.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = referral.ClientId,
            Reason = DischargeReason.GoalsMet,
            RecordedBy = "nurse-x",
        }).ResponseAsync);
        AssertRefused(e, StatusCode.FailedPrecondition, "not on this team's caseload");
        var record = (await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = referral.ClientId })).Record;
        Assert.Null(record.CurrentEpisode);
        Assert.Empty(record.PastEpisodes);
    }

    [Fact]
    public async Task A_visit_to_a_client_not_on_a_caseload_or_by_a_stranger_is_refused()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var stranger = await _app.RegisterNurse();

        var e = await Refused(() => _app.Visit(client.ClientId, stranger.NurseId, DateTimeOffset.UtcNow.AddHours(-1)));
        AssertRefused(e, StatusCode.FailedPrecondition, "out of hours");
        var future = await Refused(() => _app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(2)));
        AssertRefused(future, StatusCode.InvalidArgument, "future");
        var record = (await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Empty(record.Visits);

        var outOfHours = await _app.Records.RecordVisitAsync(new RecordVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            NurseId = stranger.NurseId,
            OutOfHours = true,
            Start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            DurationMinutes = 20,
            DirectCareMinutes = 15,
        });
        Assert.True(outOfHours.Visit.OutOfHours);
    }

    [Fact]
    public async Task Health_reports_serving()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(host.Channel);
        var answer = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
    }
}
