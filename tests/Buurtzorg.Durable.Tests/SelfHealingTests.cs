using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Grpc.Core;
using Npgsql;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Durable.Tests;

/// <summary>
/// A grain whose state is older than the stored row (another activation wrote, a row was restored) does not keep
/// failing: its first write is refused as unavailable with nothing saved, the activation deactivates, and the next
/// write loads what is stored and succeeds.
/// </summary>
[Collection(DurableDatabase.Name)]
public sealed class SelfHealingTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_team_whose_stored_row_changed_behind_its_back_answers_unavailable_once_and_then_writes_again()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DurableSilo.Start(database, $"heal-{Guid.NewGuid():N}");
        var app = silo.App();
        var team = await app.TeamWithNurses(2);

        // Another writer moves the row on, drawing its version as every writer does: the live activation's ETag is
        // now stale.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var bump = new NpgsqlCommand(
                "UPDATE orleans_grain_state SET version = nextval('orleans_grain_state_version') "
                + "WHERE grain_type = 'team' AND grain_id_extension = $1",
                connection)
            { Parameters = { new NpgsqlParameter { Value = team.TeamId } } };
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        var stale = await Refused(() => app.Teams.SetCapacityPolicyAsync(Policy(team.TeamId, maxClients: 30)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, stale.StatusCode);
        Assert.Contains("Nothing was saved", stale.Status.Detail, StringComparison.Ordinal);

        // The very next write, with a new request id as a nurse would send it, goes through; so does the next.
        var healed = await app.Teams.SetCapacityPolicyAsync(Policy(team.TeamId, maxClients: 40));
        Assert.Equal(40, healed.Team.CapacityPolicy.MaxClients);
        var after = await app.Teams.SetCapacityPolicyAsync(Policy(team.TeamId, maxClients: 50));
        Assert.Equal(50, after.Team.CapacityPolicy.MaxClients);
        Assert.Equal(50, (await app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId })).Team.CapacityPolicy.MaxClients);
    }

    private static SetCapacityPolicyRequest Policy(string teamId, int maxClients) => new()
    {
        RequestId = NewRequest(),
        TeamId = teamId,
        CapacityPolicy = new CapacityPolicy
        {
            MaxClients = maxClients,
            MaxClientsPerFte = 6,
            SplitSuggestedAboveMembers = 12,
            MinMembersForSafeStaffing = 4,
            FullTimeHours = 37.5,
        },
    };
}
