using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

/// <summary>
/// Entries keep the organisation's local offset they were made with through the PostgreSQL journal and its snapshot,
/// so a late summer-evening visit is on the same local day after a reload.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class LocalTimeJournalTests(PostgresServer postgres)
{
    private const string ClientId = "client-summer";
    private const string Nurse = "nurse-anna";
    private static readonly TimeSpan Bst = TimeSpan.FromHours(1);

    [Fact]
    public async Task A_visit_at_half_past_eleven_on_a_summer_night_loads_with_its_offset_and_on_its_local_day()
    {
        var admitted = new DateTimeOffset(2026, 6, 30, 9, 0, 0, Bst);
        var late = new DateTimeOffset(2026, 7, 1, 23, 30, 0, Bst);
        RecordEntry[] entries =
        [
            new ReferralReceived("e-ref", admitted, Nurse, "ref-1", "team-bow", ReferralSource.GeneralPractitioner,
                new Demographics("Test", "Client", new DateOnly(1940, 1, 1), "1 Test Road", Postcode.Parse("E3 2AB"), null),
                [Skill.WoundCare], NhsNumber.ForTesting(7)),
            new EpisodeOpened("e-adm", admitted, Nurse, "ep-1", "team-bow", "ref-1", ReferralSource.GeneralPractitioner, [Skill.WoundCare]),
            new VisitRecorded("e-visit", late.AddMinutes(30), Nurse, "visit-1", Nurse, late, 30, 25, ImmutableList<string>.Empty, null, false),
        ];
        var connection = await postgres.MigratedAsync("local_time");
        await using var database = NpgsqlDataSource.Create(connection);
        var journal = new PostgresRecordJournal(database);
        var record = CareRecord.Create(ClientId);
        foreach (var entry in entries) record = record.Apply(CareRecordRules.Check(record, entry, entry.At, CareTime.DateOf(entry.At)));
        // The admission one row at a time, the visit through the bulk path, which also writes a snapshot of the record.
        await journal.Append(ClientId, 1, entries[0], CareRecord.Replay(ClientId, entries[..1]), access: null);
        await journal.Append(ClientId, 2, entries[1], CareRecord.Replay(ClientId, entries[..2]), access: null);
        await journal.AppendMany(ClientId, 3, entries[2..], record);

        var loaded = (await journal.Load(ClientId))!.Record;
        var row = await Database.LinesAsync(connection, "SELECT entry->>'start' FROM record_journal WHERE seq = 3");

        var visit = Assert.Single(loaded.Visits);
        Assert.Equal((late, Bst), (visit.Start, visit.Start.Offset));
        Assert.Equal(new DateOnly(2026, 7, 1), CareTime.DateOf(visit.Start));
        Assert.All(await journal.Entries(ClientId), e => Assert.Equal(Bst, e.At.Offset));
        Assert.All(loaded.RecentHistory, e => Assert.Equal(Bst, e.At.Offset));
        Assert.Equal(["2026-07-01T23:30:00+01:00"], row);
    }
}
