using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

/// <summary>
/// The journal's bulk path (used to load history while no silo runs) writes what the one-by-one path writes, and the
/// journal stays append-only under it.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class BulkAppendTests(PostgresServer postgres)
{
    private const string ClientId = "client-bulk";
    private const string Nurse = "nurse-anna";
    private const string Rows = "SELECT client_id, seq, entry_id, kind, recorded_at, entry::text FROM record_journal ORDER BY client_id, seq";
    private static readonly DateTimeOffset Admitted = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Entries_appended_in_bulk_load_as_the_same_record_and_rows_as_when_appended_one_by_one()
    {
        var (entries, records) = Story(visits: 130);
        var oneByOne = await postgres.MigratedAsync("bulk_one_by_one");
        var inBulk = await postgres.MigratedAsync("bulk_in_bulk");
        await using var oneByOneDatabase = NpgsqlDataSource.Create(oneByOne);
        await using var inBulkDatabase = NpgsqlDataSource.Create(inBulk);
        var single = new PostgresRecordJournal(oneByOneDatabase);
        var bulk = new PostgresRecordJournal(inBulkDatabase);

        for (var i = 0; i < entries.Count; i++) await single.Append(ClientId, i + 1, entries[i], records[i], access: null);
        // The admission as a silo writes it, then the rest in two batches, each after the newest stored entry.
        for (var i = 0; i < 4; i++) await bulk.Append(ClientId, i + 1, entries[i], records[i], access: null);
        await bulk.AppendMany(ClientId, 5, entries.GetRange(4, 70), records[73]);
        await bulk.AppendMany(ClientId, 75, entries.GetRange(74, entries.Count - 74), records[^1]);

        var expected = await single.Load(ClientId);
        var actual = await bulk.Load(ClientId);
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(entries.Count, actual.Seq);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(Json(expected.Record), Json(actual.Record));
        Assert.Equal(Json(records[^1]), Json(actual.Record));
        Assert.Equal(await Database.LinesAsync(oneByOne, Rows), await Database.LinesAsync(inBulk, Rows));
        // One by one the snapshot lags behind (every 50 entries); the bulk path leaves one of the final record.
        Assert.Equal([$"{ClientId} | {entries.Count / 50 * 50}"], await Snapshot(oneByOne, $"{ClientId} | {entries.Count / 50 * 50}"));
        Assert.Equal([$"{ClientId} | {entries.Count}"], await Database.LinesAsync(inBulk, "SELECT client_id, seq FROM record_snapshot"));
    }

    [Fact]
    public async Task A_bulk_append_that_overlaps_leaves_a_gap_or_repeats_an_entry_id_writes_nothing_and_rows_stay_unchangeable()
    {
        var (entries, records) = Story(visits: 20);
        var connectionString = await postgres.MigratedAsync("bulk_append_only");
        await using var database = NpgsqlDataSource.Create(connectionString);
        var journal = new PostgresRecordJournal(database);
        await journal.AppendMany(ClientId, 1, entries.GetRange(0, 10), records[9]);
        var rows = await Database.LinesAsync(connectionString, Rows);
        var snapshot = await Database.LinesAsync(connectionString, "SELECT seq, record::text FROM record_snapshot");
        var (more, after) = (entries.GetRange(10, 5), records[14]);

        await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendMany(ClientId, 9, more, after));
        await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendMany(ClientId, 12, more, after));
        await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendMany(ClientId, 11, [.. more, entries[3]], after));

        Assert.Equal(rows, await Database.LinesAsync(connectionString, Rows));
        Assert.Equal(snapshot, await Database.LinesAsync(connectionString, "SELECT seq, record::text FROM record_snapshot"));
        foreach (var change in (string[])[$"UPDATE record_journal SET kind = 'edited' WHERE seq = 5", "DELETE FROM record_journal WHERE seq = 10"])
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(connectionString, change));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(rows, await Database.LinesAsync(connectionString, Rows));

        // A silo loading the record afterwards carries on from the newest entry, one by one.
        var loaded = await journal.Load(ClientId);
        Assert.Equal(10, loaded!.Seq);
        await journal.Append(ClientId, loaded.Seq + 1, entries[10], records[10], access: null);
        Assert.Equal(11, (await journal.Load(ClientId))!.Seq);
    }

    /// <summary>A client admitted with a care plan, then visits with a note after every fifth; each entry checked by the rules.</summary>
    internal static (List<RecordEntry> Entries, List<CareRecord> Records) Story(int visits)
    {
        RecordEntry[] admission =
        [
            new ReferralReceived("e-ref", Admitted, Nurse, "ref-1", "team-bow", ReferralSource.GeneralPractitioner,
                new Demographics("Test", "Client", new DateOnly(1940, 1, 1), "1 Test Road", Postcode.Parse("E3 2AB"), null),
                [Skill.WoundCare], NhsNumber.ForTesting(1)),
            new EpisodeOpened("e-ep", Admitted, Nurse, "ep-1", "team-bow", "ref-1", ReferralSource.GeneralPractitioner, [Skill.WoundCare]),
            new ProblemAdded("prob-skin", Admitted, Nurse, "prob-skin", OmahaProblem.Skin, ProblemScope.Individual, ProblemSeverity.Potential, []),
            new InterventionAdded("int-dressing", Admitted, Nurse, "int-dressing", "prob-skin", InterventionCategory.TreatmentsProcedures,
                "wound care", null, CareType.Nursing, new VisitFrequency(1, FrequencyPeriod.Day), TimeWindow.Morning, 30, [Skill.WoundCare]),
        ];
        var care = Enumerable.Range(0, visits).SelectMany(v =>
        {
            var start = Admitted.AddDays(v + 1);
            RecordEntry visit = new VisitRecorded($"visit-{v}", start.AddMinutes(35), Nurse, $"visit-{v}", Nurse, start, 35, 25, ["int-dressing"], null, false);
            return v % 5 == 4 ? [visit, new NoteAdded($"note-{v}", start.AddMinutes(40), Nurse, $"note-{v}", "Care given as planned.")] : new[] { visit };
        });
        var now = Admitted.AddDays(visits + 365);
        var record = CareRecord.Create(ClientId);
        var (entries, records) = (new List<RecordEntry>(), new List<CareRecord>());
        foreach (var entry in admission.Concat(care))
        {
            var accepted = CareRecordRules.Check(record, entry, now, DateOnly.FromDateTime(now.UtcDateTime));
            record = record.Apply(accepted);
            entries.Add(accepted);
            records.Add(record);
        }
        return (entries, records);
    }

    /// <summary>A record as a grain holds it and a snapshot stores it: its present.</summary>
    internal static string Json(CareRecord record) => JsonSerializer.Serialize(record.Present(), DomainJson.Options);

    /// <summary>Waits for the snapshot the journal writes after an append, off the caller's path.</summary>
    internal static async Task<List<string>> Snapshot(string database, string expected)
    {
        for (var tries = 0; ; tries++)
        {
            var rows = await Database.LinesAsync(database, "SELECT client_id, seq FROM record_snapshot");
            if (rows.SequenceEqual([expected]) || tries == 100) return rows;
            await Task.Delay(50);
        }
    }
}
