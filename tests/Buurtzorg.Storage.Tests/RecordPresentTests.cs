using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;
using static Buurtzorg.Storage.Tests.BulkAppendTests;

namespace Buurtzorg.Storage.Tests;

/// <summary>
/// The journal holds the history and a snapshot of the present: a record loads from one snapshot and the entries
/// after it, its history pages in SQL with corrections marked, a retry the record forgot meets the unique entry id,
/// and a snapshot stored in the first format (the whole history) still loads and is stored again as the present.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class RecordPresentTests(PostgresServer postgres)
{
    private const string ClientId = "client-bulk";

    [Fact]
    public async Task The_history_of_5000_entries_pages_in_order_with_its_corrections_marked()
    {
        var (entries, records) = Story(visits: 4200);
        var record = records[^1];
        // A visit corrected twice (the first correction superseded) and a note struck, long after they were written.
        var at = entries[^1].At.AddMinutes(5);
        var visit = (VisitRecorded)entries[10];
        Correction[] corrections =
        [
            new("fix-1", at, "nurse-anna", visit.EntryId, "Wrong length", visit with { DurationMinutes = 40 }),
            new("fix-2", at.AddMinutes(1), "nurse-anna", visit.EntryId, "Wrong length again", visit with { DurationMinutes = 45 }),
            new("fix-3", at.AddMinutes(2), "nurse-anna", entries.First(e => e is NoteAdded).EntryId, "Wrong client", null),
        ];
        foreach (var correction in corrections)
        {
            var accepted = CareRecordRules.Check(record, correction, at.AddHours(1), CareTime.DateOf(at));
            record = record.Apply(accepted);
            entries.Add(accepted);
        }
        var connection = await postgres.MigratedAsync("history_pages");
        await using var database = NpgsqlDataSource.Create(connection);
        var journal = new PostgresRecordJournal(database);
        await journal.AppendMany(ClientId, 1, entries, record);
        Assert.True(entries.Count >= 5000, $"{entries.Count} entries");

        var pages = new List<HistoryPage> { await journal.History(ClientId, 0, 500) };
        while (pages[^1].NextAfterSeq is { } after) pages.Add(await journal.History(ClientId, after, 500));

        var items = pages.SelectMany(p => p.Entries).ToList();
        Assert.Equal((entries.Count + 499) / 500, pages.Count);
        Assert.Equal(entries.Select(e => e.EntryId), items.Select(i => i.Entry.EntryId));
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), items.Select(i => i.Seq));
        var marked = items.Where(i => i.CorrectedByEntryId is not null).ToDictionary(i => i.Entry.EntryId, i => i.CorrectedByEntryId);
        Assert.Equal(new Dictionary<string, string?> { [visit.EntryId] = "fix-2", ["fix-1"] = "fix-2", [corrections[2].CorrectsEntryId] = "fix-3" }, marked);
        // What the journal holds folds to what the record holds, the corrections in force.
        var loaded = (await journal.Load(ClientId))!;
        Assert.Equal(Json(record), Json(loaded.Record));
        Assert.Equal(35 * 4199 + 45, loaded.Record.Tally.Minutes);
    }

    [Fact]
    public async Task A_retried_entry_the_record_no_longer_remembers_is_refused_as_a_duplicate_and_changes_nothing()
    {
        var (entries, records) = Story(visits: 30);
        var connection = await postgres.MigratedAsync("duplicate_entry");
        await using var database = NpgsqlDataSource.Create(connection);
        var journal = new PostgresRecordJournal(database);
        await journal.AppendMany(ClientId, 1, entries, records[^1]);
        var before = await Database.LinesAsync(connection, "SELECT seq, entry_id FROM record_journal ORDER BY seq");

        var duplicate = await Assert.ThrowsAsync<JournalDuplicateException>(() =>
            journal.Append(ClientId, entries.Count + 1, entries[5], records[^1], access: null));
        var stale = await Assert.ThrowsAsync<JournalConflictException>(() =>
            journal.Append(ClientId, entries.Count, entries[^1] with { EntryId = "a-new-entry" }, records[^1], access: null));

        Assert.Equal(entries[5].EntryId, duplicate.EntryId);
        Assert.NotNull(stale);
        Assert.Equal(before, await Database.LinesAsync(connection, "SELECT seq, entry_id FROM record_journal ORDER BY seq"));
        Assert.Equal(entries[5].EntryId, (await journal.Find(ClientId, entries[5].EntryId))!.EntryId);
        Assert.Null(await journal.Find(ClientId, "never-written"));
    }

    [Fact]
    public async Task A_snapshot_stored_in_the_first_format_loads_and_is_stored_again_as_the_present()
    {
        var (entries, records) = Story(visits: 80);
        var connection = await postgres.MigratedAsync("first_format");
        await using var database = NpgsqlDataSource.Create(connection);
        var journal = new PostgresRecordJournal(database);
        await journal.AppendMany(ClientId, 1, entries, records[^1]);
        // As the journal stored snapshots before: the client and the whole history up to entry 60.
        var firstFormat = JsonSerializer.Serialize(new { clientId = ClientId, history = entries.Take(60) }, DomainJson.Options);
        await Database.ExecuteAsync(connection, "UPDATE record_snapshot SET seq = 60, record = @record::jsonb", ("record", firstFormat));

        var loaded = (await journal.Load(ClientId))!;

        Assert.Equal(entries.Count, loaded.Seq);
        Assert.False(loaded.Record.HasHistory);
        Assert.Equal(Json(CareRecord.Replay(ClientId, entries)), Json(loaded.Record));
        Assert.Equal([$"{ClientId} | {entries.Count}"], await Snapshot(connection, $"{ClientId} | {entries.Count}"));
        Assert.Equal(["False | True"], await Database.LinesAsync(connection, "SELECT record ? 'history', record ? 'state' FROM record_snapshot"));
        Assert.Equal(Json(loaded.Record), Json((await journal.Load(ClientId))!.Record));
    }
}
