using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>A client's record tells its team what its care is; the team never asks its records.</summary>
[Collection(SharedCluster.Name)]
public sealed class PushedFiguresTests(ClusterFixture fixture)
{
    private readonly Neighbourhood _people = new(fixture.Grains);

    [Fact]
    public async Task Activating_a_team_activates_none_of_its_clients_and_its_continuity_comes_from_what_they_reported()
    {
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();
        var clients = new List<CaseloadEntry>();
        for (var i = 0; i < 3; i++) clients.Add(await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null));
        foreach (var entry in clients) await Visit(teamId, entry, entry.NamedNurseId, entry.NamedNurseId, entry.BackupNurseId!);
        await Arrival.Eventually(() => team.Continuity(), c => c.Clients.All(x => x.Visits == 3));

        // Everything deactivates: the team writes what its clients reported as it goes.
        await fixture.Cluster.DeactivateAsync(team);
        foreach (var entry in clients) await fixture.Cluster.DeactivateAsync(fixture.Grains.GetGrain<IClientGrain>(entry.ClientId));
        Assert.All(clients, c => Assert.False(IsActive(c.ClientId)));

        var reactivated = DateTimeOffset.UtcNow;
        var continuity = await team.Continuity();
        // The team's activation publishes its figures (and counts the night's calls): wait for that to have happened.
        var office = fixture.Grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);
        await Arrival.Eventually(() => office.Team(teamId), row => row is not null && row.Figures.AsOf >= reactivated && row.Figures.MedianUpc is not null);

        Assert.All(continuity.Clients, c =>
        {
            Assert.Equal(3, c.Visits);
            Assert.Equal(2.0 / 3, c.Upc!.Value, 10);
        });
        Assert.All(clients, c => Assert.False(IsActive(c.ClientId), "activating the team activated a client's record"));
        Assert.Equal(2.0 / 3, (await office.Team(teamId))!.Figures.MedianUpc!.Value, 3);
    }

    [Fact]
    public async Task A_client_discharged_leaves_the_teams_care_figures_and_a_readmission_starts_them_again()
    {
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();
        var nhs = NextNhsNumber();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral(nhs))).ReferralId, null, null);
        await Visit(teamId, entry, entry.NamedNurseId, entry.NamedNurseId);
        await Arrival.Eventually(() => team.Continuity(), c => c.Clients.Sum(x => x.Visits) == 2);

        await team.Discharge(NewRequest(), new DischargeCommand(entry.ClientId, DischargeReason.GoalsMet, null, [], entry.NamedNurseId));
        Assert.Empty((await team.Continuity()).Clients);
        Assert.Empty(await Stored.TeamCare(fixture, teamId));

        // Readmitted: the new episode's care counts from nothing, whatever the old episode reported.
        var again = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral(nhs))).ReferralId, null, null);
        await Visit(teamId, again, again.NamedNurseId);
        var continuity = await Arrival.Eventually(() => team.Continuity(), c => c.Clients.Sum(x => x.Visits) == 1);
        Assert.Equal(1, Assert.Single(continuity.Clients).Visits);
    }

    private bool IsActive(string clientId) =>
        fixture.Cluster.TryGetGrainContext(fixture.Grains.GetGrain<IClientGrain>(clientId).GetGrainId(), out _);

    private async Task Visit(string teamId, CaseloadEntry entry, params string[] nurses)
    {
        var client = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);
        var start = DateTimeOffset.UtcNow.AddHours(-4);
        ClusterFixture.ActAsNurseOf(teamId);
        foreach (var nurse in nurses)
        {
            var id = Ids.Derive("visit", NewRequest());
            await client.Append(new VisitRecorded(id, DateTimeOffset.UtcNow, nurse, id, nurse, start, 30, 20, [], null, false));
            start = start.AddMinutes(40);
        }
        ClusterFixture.ActAs(null);
    }
}

/// <summary>Waits for what grains tell each other one-way to have arrived.</summary>
internal static class Arrival
{
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> condition)
    {
        var last = default(T);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            last = await read();
            if (condition(last)) return last;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Never reached the expected state within 10 seconds; last: {last}");
    }
}
