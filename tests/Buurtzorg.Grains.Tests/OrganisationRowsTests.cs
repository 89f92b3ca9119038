using Buurtzorg.Domain.CentralOffice;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>The organisation's figures are stored one small row per team, and rebuilt from those rows.</summary>
[Collection(SharedCluster.Name)]
public sealed class OrganisationRowsTests(ClusterFixture fixture)
{
    private const string TeamRows = "central-office-team-figures";
    private const string OrganisationRow = "central-office-organisation";

    private readonly Neighbourhood _people = new(fixture.Grains);

    [Fact]
    public async Task A_teams_change_writes_that_teams_row_only_and_the_organisation_rebuilds_its_figures_from_the_rows()
    {
        var changing = await _people.ActiveTeam();
        var still = await _people.ActiveTeam();
        var (changingId, stillId) = (changing.GetPrimaryKeyString(), still.GetPrimaryKeyString());
        await Arrival.Eventually(() => Row(changingId), r => r?.Figures.Members == 4);
        await Arrival.Eventually(() => Row(stillId), r => r?.Figures.Members == 4);
        var untouched = await Stored.ETag<TeamFiguresState>(fixture, TeamRows, RowOf(stillId));

        await changing.Join(NewRequest(), await _people.Nurse());
        await Arrival.Eventually(() => Row(changingId), r => r?.Figures.Members == 5);

        Assert.Equal(untouched, await Stored.ETag<TeamFiguresState>(fixture, TeamRows, RowOf(stillId)));
        var organisation = fixture.Grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);
        var own = await Stored.Read<OrganisationState>(fixture, OrganisationRow, organisation.GetGrainId());
        Assert.Empty(own.Teams);
        Assert.Contains(changingId, own.TeamIds);
        Assert.Contains(stillId, own.TeamIds);

        await fixture.Cluster.DeactivateAsync(organisation);
        Assert.Equal(5, (await organisation.Team(changingId))!.Figures.Members);
        Assert.Equal(4, (await organisation.Team(stillId))!.Figures.Members);
    }

    [Fact]
    public async Task Figures_stored_in_the_organisations_one_row_before_are_moved_into_team_rows_and_read_back()
    {
        var organisation = fixture.Grains.GetGrain<IOrganisationGrain>($"org-before-rows-{Guid.NewGuid():N}");
        var teamId = Ids.Derive("team", NewRequest());
        var at = DateTimeOffset.UtcNow;
        var figures = TeamFigures.From(Team.Apply(teamId, "Stored Before", [PostcodeArea.Parse("E3")], [], null, at), at, []);
        var before = new OrganisationState
        {
            Teams = new(StringComparer.Ordinal) { [teamId] = figures },
            Regions = new(StringComparer.Ordinal) { [teamId] = "North" },
        };
        await Stored.Overwrite<OrganisationState, OrganisationState>(fixture, OrganisationRow, organisation.GetGrainId(), before);

        Assert.Equal("North", (await organisation.Team(teamId))!.Region);
        var own = await Arrival.Eventually(() => Stored.Read<OrganisationState>(fixture, OrganisationRow, organisation.GetGrainId()), s => s.Teams.Count == 0);
        Assert.Equal([teamId], own.TeamIds);
        Assert.Equal("North", (await Row(teamId))!.Region);

        await fixture.Cluster.DeactivateAsync(organisation);
        var row = await organisation.Team(teamId);
        Assert.Equal(("North", "Stored Before"), (row!.Region, row.Figures.Name));
    }

    private GrainId RowOf(string teamId) => fixture.Grains.GetGrain<ITeamFiguresGrain>(teamId).GetGrainId();

    private async Task<StoredTeamFigures?> Row(string teamId) => (await Stored.Read<TeamFiguresState>(fixture, TeamRows, RowOf(teamId))).Row;
}
