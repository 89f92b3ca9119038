using System.Collections.Concurrent;
using System.Diagnostics;
using Buurtzorg.Api;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Microsoft.Extensions.DependencyInjection;
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
        // Each visit is one command: its journal row with its audit line in the same batch. Anything else in the window is
        // work on a timer (the membership's heartbeat; on a loaded machine the team writing what its clients reported,
        // a grain activating for it): a few commands, however many visits; a write per visit would be twenty more.
        var others = commands.Where(c => !c.Contains("record_journal", StringComparison.Ordinal)).ToList();
        Assert.True(others.Count < visits / 2, $"{others.Count} other commands during {visits} visits:\n{string.Join("\n", others)}");

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
            // Admitted eleven days ago on the care clock, so that the visits of the days since lie within the episode.
            var clock = silo.Services.GetRequiredService<Buurtzorg.Grains.CareClock>();
            clock.Offset = TimeSpan.FromDays(-11);
            var client = await app.Admitted(team.TeamId);
            clock.Offset = TimeSpan.Zero;
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

    [Fact]
    public async Task Confirmed_details_and_a_referrals_differing_details_read_back_from_the_journal_after_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"details-{Guid.NewGuid():N}";
        CareRecord before;
        string clientId;
        string teamId, nurseId;
        await using (var silo = await DurableSilo.Start(database, cluster))
        {
            var app = silo.App();
            var team = await app.TeamWithNurses(2);
            (teamId, nurseId) = (team.TeamId, team.Members[0].NurseId); // a current member: the grains check membership
            var first = TeamApp.Referral(teamId);
            var referred = (await app.Referrals.ReferAsync(first)).Referral;
            var admit = new AdmitRequest { RequestId = TeamApp.NewRequest(), TeamId = teamId };
            admit.ReferralId = referred.ReferralId;
            clientId = (await app.Referrals.AdmitAsync(admit)).Entry.ClientId;
            var moved = TeamApp.Referral(teamId, first.NhsNumber);
            moved.Client.AddressLine = "3 Malmesbury Road";
            var claim = (await app.Referrals.ReferAsync(moved)).Referral;
            await app.Records.UpdateDemographicsAsync(new UpdateDemographicsRequest
            {
                RequestId = TeamApp.NewRequest(),
                ClientId = clientId,
                Details = moved.Client,
                Source = DemographicsSource.ReferralConfirmed,
                ReferralId = claim.ReferralId,
            });
            var wrong = TeamApp.Referral(teamId, first.NhsNumber);
            wrong.Client.FamilyName = "Pennyfeather";
            await app.Referrals.ReferAsync(wrong);
            before = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;
            await silo.Stop();
        }

        // The new kind is one more jsonb row of the journal: no schema change.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        const string Stored = "SELECT entry->'details'->>'addressLine' FROM record_journal "
            + "WHERE client_id = $1 AND kind = 'demographics_updated'";
        await using var stored = new NpgsqlCommand(Stored, connection)
        {
            Parameters = { new NpgsqlParameter { Value = clientId } },
        };
        Assert.Equal("3 Malmesbury Road", await stored.ExecuteScalarAsync());

        await using var again = await DurableSilo.Start(database, cluster);
        var nurse = again.App().As(new(nurseId, Buurtzorg.Grains.Security.Role.Nurse, teamId));
        var after = (await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;
        Assert.Equal(before, after);
        Assert.Equal(("3 Malmesbury Road", "Testcase"), (after.Details.AddressLine, after.Details.FamilyName));
        Assert.True(after.DetailsDifferFromReferral);
        Assert.Equal(3, after.Referrals.Count);
    }
}
