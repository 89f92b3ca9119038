using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>A team's first week, end to end through a real gRPC channel to the real host.</summary>
public sealed class FirstWeekTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    [Fact]
    public async Task A_new_team_admits_to_capacity_records_care_and_hands_over_when_a_nurse_leaves()
    {
        // Monday, six days ago on the care clock: nurses apply to start a team in Bow; the central office approves it.
        var clock = host.Services.GetRequiredService<CareClock>();
        clock.Offset = TimeSpan.FromDays(-6);
        var applyRequest = new ApplyTeamRequest { RequestId = NewRequest(), Name = "Bow East", Footprint = { "E3 2", "E3 3" }, GpPractices = { "Bow Health Centre" } };
        var applied = (await _app.Teams.ApplyTeamAsync(applyRequest)).Team;
        Assert.Equal(TeamStatus.Applied, applied.Status);
        Assert.Equal(applied.TeamId, (await _app.Teams.ApplyTeamAsync(applyRequest)).Team.TeamId);
        var teamId = applied.TeamId;
        Assert.Equal(TeamStatus.Active, (await _app.Teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = NewRequest(), TeamId = teamId })).Team.Status);

        // Eight join: six full-time registered nurses, two nursing assistants on 22.5 hours: 7.2 FTE, capacity 43.
        for (var i = 0; i < 6; i++) await _app.Join(teamId, await _app.RegisterNurse());
        for (var i = 0; i < 2; i++) await _app.Join(teamId, await _app.RegisterNurse(22.5, NurseRole.NursingAssistant, Skill.WoundCare, Skill.PersonalCare));
        var team = (await _app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teamId })).Team;
        Assert.Equal(8, team.Members.Count);
        Assert.Equal(43, team.Capacity);

        // 48 referrals arrive; the first 43 are admitted, the rest are refused because the caseload is full.
        var outcomes = new List<StatusCode>();
        for (var i = 0; i < 48; i++)
        {
            var referral = (await _app.Referrals.ReferAsync(Referral(teamId))).Referral;
            Assert.Equal(ReferralStatus.Waiting, referral.Status);
            try
            {
                await _app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = teamId, ReferralId = referral.ReferralId });
                outcomes.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                Assert.Equal("AT_CAPACITY", e.Trailers.GetValue("buurtzorg-reason"));
                Assert.Contains("43 of 43", e.Status.Detail);
                outcomes.Add(e.StatusCode);
            }
        }
        Assert.Equal(Enumerable.Repeat(StatusCode.OK, 43).Concat(Enumerable.Repeat(StatusCode.FailedPrecondition, 5)), outcomes);
        var caseload = (await _app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries;
        Assert.Equal(43, caseload.Count);
        Assert.All(caseload, c => Assert.NotEqual(c.NamedNurseId, c.BackupNurseId));
        Assert.Equal(5, (await _app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = teamId, Status = ReferralStatus.Waiting })).Referrals.Count);

        // Tuesday: a care plan for the first client, agreed with her and rated.
        var first = caseload[0];
        var problem = await _app.AddSkinProblem(first, "lesion: pressure area");
        await _app.Rate(first, problem.ProblemId, 2, 3, 2);
        await _app.Records.AgreeGoalAsync(new AgreeGoalRequest
        {
            RequestId = NewRequest(),
            ClientId = first.ClientId,
            RecordedBy = first.NamedNurseId,
            ProblemId = problem.ProblemId,
            Description = "Heel wound healed in six weeks",
            AgreedBy = AgreedBy.Client,
            AgreedByName = "Edith",
        });
        var intervention = await _app.AddWoundCare(first, problem.ProblemId);

        // All week, recorded now: three visits each by the named nurse for ten clients, and one by the backup for two.
        clock.Offset = TimeSpan.Zero;
        var monday = DateTimeOffset.UtcNow.AddDays(-6);
        foreach (var (client, index) in caseload.Take(10).Select((c, i) => (c, i)))
        {
            for (var day = 0; day < 3; day++) await _app.Visit(client.ClientId, client.NamedNurseId, monday.AddDays(day));
            if (index < 2) await _app.Visit(client.ClientId, client.BackupNurseId, monday.AddDays(3));
        }
        var retriedId = NewRequest();
        var once = await _app.Visit(first.ClientId, first.NamedNurseId, monday.AddDays(4), retriedId);
        var twice = await _app.Visit(first.ClientId, first.NamedNurseId, monday.AddDays(4), retriedId);
        Assert.Equal(once.Visit.VisitId, twice.Visit.VisitId);

        // Friday: the plan is rated again and the record shows the change.
        await _app.Records.RateProblemAsync(new RateProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = first.ClientId,
            RecordedBy = first.NamedNurseId,
            ProblemId = problem.ProblemId,
            Rating = new OutcomeRating { Knowledge = 3, Behaviour = 4, Status = 3 },
        });
        var record = (await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = first.ClientId })).Record;
        Assert.Equal(teamId, record.TeamId);
        var rated = Assert.Single(record.Problems);
        Assert.Equal(2, rated.FirstRating.Rating_.Knowledge);
        Assert.Equal(3, rated.LatestRating.Rating_.Knowledge);
        Assert.Equal(intervention.InterventionId, Assert.Single(record.Interventions).InterventionId);
        Assert.Equal(5, record.Visits.Count); // 3 by the named nurse, 1 by the backup, 1 retried once
        Assert.Equal(25.0 / 30, record.DirectCareShare, 6);
        var history = (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = first.ClientId })).Entries;
        Assert.Equal(["referral_received", "episode_opened", "problem_added", "rating_recorded", "goal_agreed", "intervention_added"],
            history.Take(6).Select(h => h.Kind));

        // Continuity: the second client saw named, named, named, backup.
        var continuity = await _app.Teams.GetContinuityAsync(new GetContinuityRequest { TeamId = teamId });
        var second = continuity.Clients.Single(c => c.ClientId == caseload[1].ClientId);
        Assert.Equal(0.75, second.Upc, 10);
        Assert.Equal(0.5, second.Coc, 10);
        Assert.True(continuity.MedianUpc >= 0.75);

        // Saturday: the first client's named nurse leaves; her clients pass to their backups.
        var leaver = first.NamedNurseId;
        var left = await _app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = NewRequest(), TeamId = teamId, NurseId = leaver });
        Assert.Equal(7, left.Team.Members.Count);
        var after = (await _app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries.ToDictionary(c => c.ClientId);
        foreach (var before in caseload)
        {
            var now = after[before.ClientId];
            if (before.NamedNurseId == leaver) Assert.Equal(before.BackupNurseId, now.NamedNurseId);
            else if (before.BackupNurseId != leaver) Assert.Equal(before, now);
            Assert.NotEqual(leaver, now.NamedNurseId);
            Assert.NotEqual(leaver, now.BackupNurseId);
        }
        Assert.Equal(caseload.Count(c => c.NamedNurseId == leaver || c.BackupNurseId == leaver), left.Handovers.Count);
        var herself = _app.As(new Grains.Security.Caller(leaver, Grains.Security.Role.Nurse, null));
        Assert.Equal("", (await herself.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = leaver })).Nurse.TeamId);

        // Continuity is recomputed: four of the first client's five visits were by the nurse who left; her backup,
        // now named, made one.
        var recomputed = await _app.Teams.GetContinuityAsync(new GetContinuityRequest { TeamId = teamId });
        var firstAfter = recomputed.Clients.Single(c => c.ClientId == first.ClientId);
        Assert.Equal(first.BackupNurseId, firstAfter.NamedNurseId);
        Assert.Equal(0.2, firstAfter.NamedNurseShare, 10);
        Assert.Equal(0.8, firstAfter.Upc, 10);
    }
}
