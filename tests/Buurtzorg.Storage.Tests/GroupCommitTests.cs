using System.Collections.Concurrent;
using System.Diagnostics;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Grains.Security;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class GroupCommitTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Appends_and_audit_lines_from_many_records_at_once_share_round_trips_and_are_all_committed()
    {
        var connectionString = await postgres.MigratedAsync("group_commit");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var commits = new GroupCommit(database);
        var journal = new PostgresRecordJournal(database, commits);
        var audit = new PostgresAuditTrail(database, commits);
        var batches = new ConcurrentQueue<string>();
        using var listener = Listen(batches);

        // Forty records, five entries each, all at once (each record's entries in order, as its grain writes them).
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async c =>
        {
            for (var seq = 1; seq <= 5; seq++) await journal.Append($"client-{c}", seq, Note($"e-{c}-{seq}"), CareRecord.Create($"client-{c}"), Read($"client-{c}", "write note_added"));
        }).Concat(Enumerable.Range(0, 100).Select(r => audit.Record(Read($"client-{r % 40}", "read record")))));

        Assert.Equal(200L, await Database.ScalarAsync<long>(connectionString, "SELECT count(*) FROM record_journal"));
        Assert.Equal(300L, await Database.ScalarAsync<long>(connectionString, "SELECT count(*) FROM audit_log"));
        Assert.True(batches.Count < 300, $"{batches.Count} round trips for 300 writes");
    }

    [Fact]
    public async Task A_conflicting_append_in_a_group_fails_alone_and_the_others_are_committed()
    {
        var connectionString = await postgres.MigratedAsync("group_conflict");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var commits = new GroupCommit(database);
        var journal = new PostgresRecordJournal(database, commits);
        await journal.Append("client-stale", 1, Note("e-first"), CareRecord.Create("client-stale"), null);

        // A stale activation writes entry number 1 again while thirty other records write theirs.
        var others = Enumerable.Range(0, 30).Select(c => journal.Append($"client-{c}", 1, Note($"e-{c}"), CareRecord.Create($"client-{c}"), Read($"client-{c}", "write note_added"))).ToList();
        var stale = journal.Append("client-stale", 1, Note("e-stale"), CareRecord.Create("client-stale"), Read("client-stale", "write note_added"));
        others.AddRange(Enumerable.Range(30, 30).Select(c => journal.Append($"client-{c}", 1, Note($"e-{c}"), CareRecord.Create($"client-{c}"), null)));

        await Assert.ThrowsAsync<JournalConflictException>(() => stale);
        await Task.WhenAll(others);
        Assert.Equal(61L, await Database.ScalarAsync<long>(connectionString, "SELECT count(*) FROM record_journal"));
        Assert.Equal("e-first", await Database.ScalarAsync<string>(connectionString, "SELECT entry_id FROM record_journal WHERE client_id = 'client-stale'"));
        // The stale write's audit line went with it: both or neither.
        Assert.Equal(30L, await Database.ScalarAsync<long>(connectionString, "SELECT count(*) FROM audit_log"));
    }

    private static NoteAdded Note(string entryId) => new(entryId, At, "nurse-1", entryId, "Group commit test note.");

    private static AccessRecord Read(string clientId, string action) => new(At, clientId, "nurse-1", Role.Nurse, "team-1", action, null);

    internal static ActivityListener Listen(ConcurrentQueue<string> batches)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => batches.Enqueue(activity.DisplayName),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
