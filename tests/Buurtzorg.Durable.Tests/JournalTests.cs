using System.Collections.Concurrent;
using System.Diagnostics;
using Buurtzorg.Api;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class JournalTests(PostgresServer postgres)
{
    [Fact]
    public async Task Recording_a_visit_costs_one_database_round_trip_and_one_journal_row()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DurableSilo.Start(database, $"journal-{Guid.NewGuid():N}");
        var app = silo.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        await app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-12)); // warm: every grain active

        var commands = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => commands.Enqueue(string.Join(" ", activity.TagObjects.Select(t => $"{t.Value}"))),
        };
        ActivitySource.AddActivityListener(listener);
        const int visits = 20;
        for (var i = 0; i < visits; i++) await app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-11).AddMinutes(i * 20));
        listener.Dispose();

        var journalCommands = commands.Count(c => c.Contains("record_journal", StringComparison.Ordinal));
        Assert.Equal(visits, journalCommands);
        // Anything else in the window is the membership's heartbeat, not the visits.
        Assert.True(commands.Count <= visits + 2, $"{commands.Count} commands for {visits} visits:\n{string.Join("\n", commands)}");

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM record_journal WHERE client_id = $1 AND kind = 'visit_recorded'", connection)
        {
            Parameters = { new NpgsqlParameter { Value = client.ClientId } },
        };
        Assert.Equal(visits + 1L, (long)(await rows.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_long_record_is_rebuilt_from_its_snapshot_and_newer_entries()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"snapshot-{Guid.NewGuid():N}";
        CareRecord before;
        string clientId;
        string teamId, nurseId;
        await using (var silo = await DurableSilo.Start(database, cluster))
        {
            var app = silo.App();
            var team = await app.TeamWithNurses(2);
            (teamId, nurseId) = (team.TeamId, team.Members[0].NurseId); // a current member: the grains check membership
            var client = await app.Admitted(team.TeamId);
            clientId = client.ClientId;
            for (var i = 0; i < 120; i++) await app.Visit(clientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddDays(-10).AddHours(i));
            before = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;
            await silo.Stop();
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var snapshot = new NpgsqlCommand("SELECT seq FROM record_snapshot WHERE client_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = clientId } },
        };
        Assert.Equal(100L, (long)(await snapshot.ExecuteScalarAsync())!);

        await using var again = await DurableSilo.Start(database, cluster);
        var nurse = again.App().As(new Buurtzorg.Grains.Security.Caller(nurseId, Buurtzorg.Grains.Security.Role.Nurse, teamId));
        var after = (await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;
        Assert.Equal(before, after);
        Assert.Equal(120, after.VisitsInEpisode);
        Assert.Equal(RecordMapping.LatestShown, after.Visits.Count);
    }
}
