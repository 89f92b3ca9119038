using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>
/// The directory a referral without a team is routed by: an approved team is found by the postcodes of its footprint,
/// a closed one no longer; the most specific area wins, then the team that took it first. (Each test uses Shetland
/// districts no other test's team covers: the directory is one grain for the whole cluster.)
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class TeamDirectoryTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Caller GpSystem = new("gp-system-test", Role.Referrer, null);

    private readonly Neighbourhood _people = new(fixture.Grains);

    private ITeamDirectoryGrain Directory => fixture.Grains.GetGrain<ITeamDirectoryGrain>(ITeamDirectoryGrain.Key);

    public void Dispose() => ClusterFixture.ActAs(null);

    private Task<string?> TeamFor(string sector) => TeamFor(Directory, sector);

    private static async Task<string?> TeamFor(ITeamDirectoryGrain directory, string sector)
    {
        ClusterFixture.ActAs(GpSystem);
        try
        {
            return await directory.TeamFor(sector);
        }
        finally
        {
            ClusterFixture.ActAs(null);
        }
    }

    [Fact]
    public async Task An_approved_team_is_found_by_the_postcodes_of_its_footprint_and_no_longer_once_closed()
    {
        Assert.Null(await TeamFor("ZE2 1"));
        var team = await _people.ActiveTeam(nurses: 0, footprint: "ZE2");
        var teamId = team.GetPrimaryKeyString();

        Assert.Equal(teamId, await TeamFor("ZE2 1"));
        Assert.Equal(teamId, await TeamFor("ZE2 9"));
        Assert.Null(await TeamFor("ZE1 1"));

        await team.Close(NewRequest());
        Assert.Null(await TeamFor("ZE2 1"));
    }

    [Fact]
    public async Task A_sector_beats_a_district_and_among_equals_the_team_that_took_the_area_first()
    {
        var district = (await _people.ActiveTeam(nurses: 0, footprint: "ZE3")).GetPrimaryKeyString();
        var sector = (await _people.ActiveTeam(nurses: 0, footprint: "ZE3 4")).GetPrimaryKeyString();
        var later = await _people.ActiveTeam(nurses: 0, footprint: "ZE3");

        Assert.Equal(sector, await TeamFor("ZE3 4"));
        Assert.Equal(district, await TeamFor("ZE3 5"));

        // Approving again (a retry) or the team waking up lists it again without moving it ahead of the first.
        await later.Approve(NewRequest());
        Assert.Equal(district, await TeamFor("ZE3 5"));
    }

    [Fact]
    public async Task A_directory_that_never_heard_from_a_team_lists_the_active_teams_the_central_office_knows_as_after_an_upgrade()
    {
        var active = (await _people.ActiveTeam(nurses: 0, footprint: "ZE5")).GetPrimaryKeyString();
        var closed = await _people.ActiveTeam(nurses: 0, footprint: "ZE7");
        var organisation = fixture.Grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);
        ClusterFixture.ActAs(new Caller("office-test", Role.CentralOffice, null));
        await Arrival.Eventually(() => organisation.Team(active), row => row is not null);
        await Arrival.Eventually(() => organisation.Team(closed.GetPrimaryKeyString()), row => row is not null);
        ClusterFixture.ActAs(null);
        await closed.Close(NewRequest());

        // A directory with no listings at all, as in a database whose teams were approved before the directory existed
        // (a key of its own: the teams above listed themselves in the cluster's directory, not in this one).
        var upgraded = fixture.Grains.GetGrain<ITeamDirectoryGrain>($"upgraded-{Guid.NewGuid():N}");

        Assert.Equal(active, await Arrival.Eventually(() => TeamFor(upgraded, "ZE5 1"), team => team is not null));
        Assert.Null(await TeamFor(upgraded, "ZE7 1"));
    }

    [Fact]
    public async Task Only_teams_list_themselves_and_the_central_office_cannot_look_a_postcode_up()
    {
        ClusterFixture.ActAs(new Caller("office-test", Role.CentralOffice, null));
        var listing = await Assert.ThrowsAsync<RuleRefusedException>(() => Directory.List("team-made-up", [PostcodeArea.Parse("ZE9")]));
        Assert.Equal(RuleViolation.PermissionDenied, listing.Violation);
        var lookup = await Assert.ThrowsAsync<RuleRefusedException>(() => Directory.TeamFor("ZE9 1"));
        Assert.Equal(RuleViolation.PermissionDenied, lookup.Violation);

        Assert.Null(await TeamFor("ZE9 1"));
    }
}
