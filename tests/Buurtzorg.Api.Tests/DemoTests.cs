using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;
using Buurtzorg.Silo;

namespace Buurtzorg.Api.Tests;

public sealed class DemoTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_demo_seeds_two_teams_of_eight_with_forty_clients_each_behind_the_access_rules()
    {
        var said = await DemoSeed.Run(host.Services);

        Assert.Contains("2 teams, 16 nurses, 80 clients", said);
        foreach (var t in new[] { 0, 1 })
        {
            var teamId = Ids.Derive("team", $"demo-team-{t}");
            var nurse = host.App().As(new Caller(DemoSeed.NurseOf(t), Role.Nurse, teamId));
            Assert.Equal(8, (await nurse.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teamId })).Team.Members.Count);
            Assert.Equal(40, (await nurse.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries.Count);
        }
    }
}
