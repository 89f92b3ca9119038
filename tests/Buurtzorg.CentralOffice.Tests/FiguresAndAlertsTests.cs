using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Grpc.Core;

namespace Buurtzorg.CentralOffice.Tests;

public sealed class FiguresAndAlertsTests
{
    [Fact]
    public async Task Figures_and_alerts_follow_a_team_through_capacity_staffing_and_growth_embedded()
    {
        await using var host = await OfficeHost.Start();
        await TeamStory.Run(host);
    }

    [Theory]
    [InlineData(Grains.Security.Role.Nurse)]
    [InlineData(Grains.Security.Role.Coach)]
    [InlineData(Grains.Security.Role.OutOfHours)]
    [InlineData(Grains.Security.Role.Operator)]
    public async Task Only_the_central_office_reads_the_organisations_figures(Grains.Security.Role role)
    {
        await using var host = await OfficeHost.Start();
        var team = await host.App().ActiveTeam();
        await host.Eventually(team.TeamId, _ => true, "the team");
        var client = new CentralOfficeService.CentralOfficeServiceClient(host.Channel);
        var headers = new Metadata { { "authorization", $"Bearer {host.Mint(new("someone", role, team.TeamId, "a reason"))}" } };
        foreach (var call in new Func<Task>[]
        {
            () => client.GetOverviewAsync(new GetOverviewRequest(), headers).ResponseAsync,
            () => client.ListTeamsAsync(new ListTeamsRequest(), headers).ResponseAsync,
            () => client.GetTeamFiguresAsync(new GetTeamFiguresRequest { TeamId = team.TeamId }, headers).ResponseAsync,
            () => client.ListAlertsAsync(new ListAlertsRequest(), headers).ResponseAsync,
            () => client.AssignRegionAsync(new AssignRegionRequest { TeamId = team.TeamId, Region = "North" }, headers).ResponseAsync,
            () => client.WatchChanges(new WatchChangesRequest(), headers).ResponseStream.MoveNext(),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        }
        var assigned = await host.Office.AssignRegionAsync(new AssignRegionRequest { TeamId = team.TeamId, Region = "North" });
        Assert.Equal("North", assigned.Team.Region);
    }

    [Fact]
    public async Task The_watch_sends_a_snapshot_then_each_change_with_the_alerts_it_raised()
    {
        await using var host = await OfficeHost.Start();
        var app = host.App();
        var team = await app.TeamWithNurses(4);
        await host.Eventually(team.TeamId, f => f.Members == 4, "four members");
        using var watch = host.Office.WatchChanges(new WatchChangesRequest());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.True(watch.ResponseStream.Current.Snapshot);
        Assert.Contains(watch.ResponseStream.Current.Teams, t => t.TeamId == team.TeamId);

        var caseload = await app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId });
        await app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = TeamApp.NewRequest(), TeamId = team.TeamId, NurseId = caseload.Team.Members[0].NurseId });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await watch.ResponseStream.MoveNext(deadline.Token))
        {
            if (watch.ResponseStream.Current.Raised.Any(a => a.TeamId == team.TeamId && a.Kind == AlertKind.BelowSafeStaffing)) return;
        }
        Assert.Fail("The watch never sent the below-safe-staffing alert.");
    }
}

[Collection(DurableOffice.Name)]
public sealed class DurableFiguresTests(PostgresServer postgres)
{
    [Fact]
    public async Task Figures_and_alerts_follow_a_team_through_capacity_staffing_and_growth_durable()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var host = await OfficeHost.Start("--postgres", database))
        {
            await TeamStory.Run(host);
        }

        // The organisation's figures were written to PostgreSQL: a new silo on the same database answers from them
        // before any team has published again.
        await using var restarted = await OfficeHost.Start("--postgres", database);
        var overview = await restarted.Office.GetOverviewAsync(new GetOverviewRequest());
        Assert.Equal(1, overview.Organisation.Teams);
        Assert.Equal(13, overview.Organisation.Members);
        Assert.Equal(1, overview.Organisation.OpenAlerts);
        Assert.Equal(0, restarted.Calls[typeof(Grains.ITeamGrain)]);
    }
}

[CollectionDefinition(Name)]
public sealed class DurableOffice : ICollectionFixture<PostgresServer>
{
    public const string Name = "office-postgres";
}
