using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Google.Protobuf;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class RestartTests(PostgresServer postgres)
{
    [Fact]
    public async Task Everything_acknowledged_reads_back_equal_from_a_new_silo_on_the_same_database()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"restart-{Guid.NewGuid():N}";
        List<string> teamIds = [];
        Dictionary<string, IMessage> before = [];

        await using (var first = await DurableSilo.Start(database, cluster))
        {
            var app = first.App();
            // Five teams of ten full-time nurses (capacity 60 each), forty clients each: 200 clients.
            for (var t = 0; t < 5; t++)
            {
                var team = await app.TeamWithNurses(10);
                teamIds.Add(team.TeamId);
                for (var c = 0; c < 40; c++)
                {
                    var entry = await app.Admitted(team.TeamId);
                    await CarePlan(app, entry);
                }
            }
            foreach (var teamId in teamIds) await Snapshot(app, teamId, before);
            await first.Stop();
        }

        await using var second = await DurableSilo.Start(database, cluster);
        var after = new Dictionary<string, IMessage>();
        foreach (var teamId in teamIds) await Snapshot(second.App(), teamId, after);

        Assert.Equal(200, after.Keys.Count(k => k.StartsWith("record:", StringComparison.Ordinal)));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, message) in before) Assert.Equal(message, after[key]);
    }

    private static async Task CarePlan(TeamApp app, CaseloadEntry entry)
    {
        var problem = await app.AddSkinProblem(entry);
        await app.Rate(entry, problem.ProblemId, 2, 3, 2);
        await app.Records.ScheduleReviewAsync(new ScheduleReviewRequest
        {
            RequestId = NewRequest(),
            ClientId = entry.ClientId,
            RecordedBy = entry.NamedNurseId,
            DueDate = DateTime.UtcNow.AddDays(28).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        for (var v = 0; v < 3; v++) await app.Visit(entry.ClientId, v == 2 ? entry.BackupNurseId : entry.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-10 + v));
    }

    /// <summary>Everything the API says about a team: the team, its caseload, continuity, and each record and history.</summary>
    private static async Task Snapshot(TeamApp app, string teamId, Dictionary<string, IMessage> into)
    {
        into[$"team:{teamId}"] = (await app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teamId })).Team;
        var caseload = await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId });
        into[$"caseload:{teamId}"] = caseload;
        into[$"continuity:{teamId}"] = await app.Teams.GetContinuityAsync(new GetContinuityRequest { TeamId = teamId });
        into[$"referrals:{teamId}"] = await app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = teamId });
        foreach (var entry in caseload.Entries)
        {
            into[$"record:{entry.ClientId}"] = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId })).Record;
            into[$"history:{entry.ClientId}"] = await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = entry.ClientId, PageSize = 500 });
            foreach (var nurse in new[] { entry.NamedNurseId, entry.BackupNurseId })
                into[$"nurse:{nurse}"] = await app.Nurses.GetNurseAsync(new GetNurseRequest { NurseId = nurse });
        }
    }
}
