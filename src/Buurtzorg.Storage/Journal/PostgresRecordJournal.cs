using System.Collections.Immutable;
using System.Text.Json;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Grains.Security;
using Npgsql;
using NpgsqlTypes;

namespace Buurtzorg.Storage.Journal;

/// <summary>
/// Care records in PostgreSQL: one <c>record_journal</c> row per entry, and a <c>record_snapshot</c> of the record's
/// present (its folded state, never its history) at every <see cref="SnapshotEvery"/>th entry, written after the entry
/// has committed and off the caller's path (a snapshot is a cache: losing one costs a longer fold at the next load).
/// Loading reads the snapshot and the newer entries in one round trip and folds them in. Given a
/// <see cref="GroupCommit"/>, appends from many records share round trips and commits; without one, each append is a
/// round trip of its own. The history is read a page at a time (<see cref="History"/>).
/// </summary>
public sealed class PostgresRecordJournal(NpgsqlDataSource database, GroupCommit? commits = null) : IRecordJournal
{
    public const int SnapshotEvery = 50;

    private const string UniqueViolation = "23505";
    private const string DuplicateEntryId = "record_journal_client_id_entry_id_key";

    private const string UpsertSnapshot =
        "INSERT INTO record_snapshot (client_id, seq, record, taken_at) VALUES ($1, $2, $3, now()) " +
        "ON CONFLICT (client_id) DO UPDATE SET seq = EXCLUDED.seq, record = EXCLUDED.record, taken_at = EXCLUDED.taken_at " +
        "WHERE record_snapshot.seq < EXCLUDED.seq";

    public Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(() => Loaded(clientId, cancellationToken));

    private async Task<JournaledRecord?> Loaded(string clientId, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        // jsonb comes back as UTF-8 bytes, parsed as they are: no .NET string of a long record is ever made.
        batch.BatchCommands.Add(Command("SELECT seq, convert_to(record::text, 'UTF8') FROM record_snapshot WHERE client_id = $1", clientId));
        batch.BatchCommands.Add(Command(
            "SELECT seq, convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = $1 " +
            "AND seq > COALESCE((SELECT seq FROM record_snapshot WHERE client_id = $1), 0) ORDER BY seq", clientId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        CareRecord? record = null;
        long seq = 0;
        var upgrade = false;
        if (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            var stored = JsonSerializer.Deserialize<CareRecord>(reader.GetFieldValue<byte[]>(1), DomainJson.Options)!;
            // A snapshot in the first format holds the history: replayed, and stored again as the present.
            upgrade = stored.HasHistory;
            record = stored.Present();
        }
        await reader.NextResultAsync(cancellationToken);
        record ??= CareRecord.Create(clientId).Present();
        var folded = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            record = record.Apply(Entry(reader.GetFieldValue<byte[]>(1)));
            folded++;
        }
        if (seq == 0) return null;
        if (upgrade || folded >= SnapshotEvery) _ = WriteSnapshot(clientId, seq, record);
        return new JournaledRecord(record, seq);
    }

    public async Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(entry, DomainJson.Options);
        // The entry and its audit line: one transaction, both or neither.
        void Add(NpgsqlBatch batch)
        {
            var append = new NpgsqlBatchCommand(
                "INSERT INTO record_journal (client_id, seq, entry_id, kind, recorded_at, entry) VALUES ($1, $2, $3, $4, $5, $6)");
            append.Parameters.Add(new NpgsqlParameter { Value = clientId });
            append.Parameters.Add(new NpgsqlParameter { Value = seq });
            append.Parameters.Add(new NpgsqlParameter { Value = entry.EntryId });
            append.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
            append.Parameters.Add(new NpgsqlParameter { Value = entry.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            append.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(append);
            if (access is not null)
            {
                var audit = new NpgsqlBatchCommand(PostgresAuditTrail.Insert);
                PostgresAuditTrail.AddParameters(audit.Parameters, access);
                batch.BatchCommands.Add(audit);
            }
        }
        try
        {
            await (commits is null ? GroupCommit.Alone(database, Add) : commits.Execute(Add));
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            if (e.ConstraintName == DuplicateEntryId) throw new JournalDuplicateException(clientId, entry.EntryId);
            throw new JournalConflictException(clientId, seq);
        }
        // Off the caller's path: the present is serialised on the thread pool (it is immutable), not in the grain's turn;
        // the caller's cancellation does not reach it (the entry is committed, its snapshot is a cache).
        if (seq % SnapshotEvery == 0) _ = Task.Run(() => WriteSnapshot(clientId, seq, after), CancellationToken.None);
    }

    public Task<RecordEntry?> Find(string clientId, string entryId, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(() => Found(clientId, entryId, cancellationToken));

    private async Task<RecordEntry?> Found(string clientId, string entryId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = $1 AND entry_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = entryId });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] json ? Entry(json) : null;
    }

    public Task<IReadOnlyList<RecordEntry>> Entries(string clientId, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(() => AllEntries(clientId, cancellationToken));

    private async Task<IReadOnlyList<RecordEntry>> AllEntries(string clientId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<RecordEntry>();
        while (await reader.ReadAsync(cancellationToken)) entries.Add(Entry(reader.GetFieldValue<byte[]>(0)));
        return entries;
    }

    /// <summary>A page by the primary key, and the record's corrections (few, and found by a partial index) to mark it.</summary>
    public Task<HistoryPage> History(string clientId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(() => Page(clientId, afterSeq, limit, cancellationToken));

    private async Task<HistoryPage> Page(string clientId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var page = Command("SELECT seq, convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", clientId);
        page.Parameters.Add(new NpgsqlParameter { Value = afterSeq });
        page.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(Command(
            "SELECT convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = $1 AND kind = 'correction' ORDER BY seq", clientId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var entries = new List<(long, RecordEntry)>();
        while (await reader.ReadAsync(cancellationToken)) entries.Add((reader.GetInt64(0), Entry(reader.GetFieldValue<byte[]>(1))));
        await reader.NextResultAsync(cancellationToken);
        var corrections = new List<Correction>();
        while (await reader.ReadAsync(cancellationToken)) corrections.Add((Correction)Entry(reader.GetFieldValue<byte[]>(0)));
        long? next = null;
        if (entries.Count > limit)
        {
            entries.RemoveAt(limit);
            next = entries[^1].Item1;
        }
        return HistoryPage.Of(entries, corrections, next);
    }

    /// <summary>
    /// Stores the record's present as its snapshot, unless a newer one is there; a failure only leaves the older one.
    /// In a transaction of its own, never in a group commit: callers' rows would wait for the snapshot's tens of
    /// kilobytes to be parsed, compressed and written before their own commit.
    /// </summary>
    private async Task WriteSnapshot(string clientId, long seq, CareRecord record)
    {
        var json = Snapshot(record);
        void Add(NpgsqlBatch batch)
        {
            var upsert = new NpgsqlBatchCommand(UpsertSnapshot);
            upsert.Parameters.Add(new NpgsqlParameter { Value = clientId });
            upsert.Parameters.Add(new NpgsqlParameter { Value = seq });
            upsert.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(upsert);
        }
        try
        {
            await GroupCommit.Alone(database, Add);
        }
        catch (Exception e) when (e is StorageUnavailableException or NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The snapshot is a cache of what the journal holds: the next load folds a few more entries.
        }
    }

    private static RecordEntry Entry(byte[] json) => JsonSerializer.Deserialize<RecordEntry>(json, DomainJson.Options)!;

    /// <summary>
    /// Appends <paramref name="entries"/> as numbers <paramref name="firstSeq"/> onwards (the first one more than the newest
    /// stored), in the same row format as <see cref="Append"/>, and stores <paramref name="after"/> (the record with them all
    /// applied) as the record's snapshot: one transaction, the rows by binary COPY. Throws
    /// <see cref="JournalConflictException"/>, having written nothing, when the journal has moved on.
    /// <para>
    /// For loading history in bulk into records no activation holds (a silo that has the client's grain active would
    /// not see the new entries, and its next write would conflict). No audit line is written: no caller reads or writes
    /// here. Entries must have passed the record's rules, as for <see cref="Append"/>.
    /// </para>
    /// </summary>
    public async Task AppendMany(string clientId, long firstSeq, IReadOnlyList<RecordEntry> entries, CareRecord after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(after);
        if (entries.Count == 0) return;
        var lastSeq = firstSeq + entries.Count - 1;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // A gap would pass the unique constraints, so the newest stored number is checked; a writer racing this
            // check still meets the primary key.
            await using (var newest = new NpgsqlCommand("SELECT COALESCE(max(seq), 0) FROM record_journal WHERE client_id = $1", connection, transaction))
            {
                newest.Parameters.Add(new NpgsqlParameter { Value = clientId });
                if ((long)(await newest.ExecuteScalarAsync(cancellationToken))! != firstSeq - 1) throw new JournalConflictException(clientId, firstSeq);
            }
            await using (var import = await connection.BeginBinaryImportAsync(
                "COPY record_journal (client_id, seq, entry_id, kind, recorded_at, entry) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                var seq = firstSeq;
                foreach (var entry in entries)
                {
                    await import.StartRowAsync(cancellationToken);
                    await import.WriteAsync(clientId, NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(seq++, NpgsqlDbType.Bigint, cancellationToken);
                    await import.WriteAsync(entry.EntryId, NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(entry.Kind, NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(entry.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await import.WriteAsync(JsonSerializer.Serialize(entry, DomainJson.Options), NpgsqlDbType.Jsonb, cancellationToken);
                }
                await import.CompleteAsync(cancellationToken);
            }
            await using (var snapshot = new NpgsqlCommand(UpsertSnapshot, connection, transaction))
            {
                snapshot.Parameters.Add(new NpgsqlParameter { Value = clientId });
                snapshot.Parameters.Add(new NpgsqlParameter { Value = lastSeq });
                snapshot.Parameters.Add(new NpgsqlParameter { Value = Snapshot(after), NpgsqlDbType = NpgsqlDbType.Jsonb });
                await snapshot.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            throw new JournalConflictException(clientId, firstSeq);
        }
    }

    /// <summary>A record as its snapshot stores it: the present (its state, latest entries and subjects' ids), never the history.</summary>
    public static string Snapshot(CareRecord record) =>
        JsonSerializer.Serialize(record.Present(), DomainJson.Options);

    private static NpgsqlBatchCommand Command(string sql, string clientId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        return command;
    }
}
