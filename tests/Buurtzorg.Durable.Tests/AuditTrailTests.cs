using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class AuditTrailTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_audit_trail_survives_a_restart_and_its_rows_cannot_be_changed()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"audit-{Guid.NewGuid():N}";
        string teamId, clientId, anna;
        ListAccessesResponse before;
        await using (var silo = await DurableSilo.Start(database, cluster))
        {
            var app = silo.App();
            var team = await app.TeamWithNurses(2);
            (teamId, anna) = (team.TeamId, team.Members[0].NurseId); // a current member: the grains check membership
            var entry = await app.Admitted(teamId);
            clientId = entry.ClientId;
            var nurse = app.As(new Caller(anna, Role.Nurse, teamId));
            await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId });
            await nurse.Visit(clientId, entry.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1));
            await app.As(new Caller("ooh-ben", Role.OutOfHours, null), "Night call").Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId });
            before = await nurse.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = clientId });
            Assert.Equal(3, before.Accesses.Count(a => a.Subject == anna || a.Subject == "ooh-ben"));
            await silo.Stop();
        }

        await using var again = await DurableSilo.Start(database, cluster);
        var after = await again.App().As(new Caller(anna, Role.Nurse, teamId)).Records.ListAccessesAsync(new ListAccessesRequest { ClientId = clientId });
        Assert.Equal(before.Accesses, after.Accesses.Take(before.Accesses.Count));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var tamper = new NpgsqlCommand("UPDATE audit_log SET subject = 'someone-else' WHERE client_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = clientId } },
        };
        var refusal = await Assert.ThrowsAsync<PostgresException>(() => tamper.ExecuteNonQueryAsync());
        Assert.Contains("append-only", refusal.MessageText);
    }
}
