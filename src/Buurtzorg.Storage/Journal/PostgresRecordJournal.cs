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
/// Care records in PostgreSQL: one <c>record_journal</c> row per entry, and every <see cref="SnapshotEvery"/> entries
/// a <c>record_snapshot</c> of the whole record, written in the same round trip. Loading reads the snapshot and the
/// newer entries in one round trip and replays them. Given a <see cref="GroupCommit"/>, appends from many records share
/// round trips and commits; without one, each append is a round trip of its own.
/// </summary>
public sealed class PostgresRecordJournal(NpgsqlDataSource database, GroupCommit? commits = null) : IRecordJournal
{
    public const int SnapshotEvery = 50;

    private const string UniqueViolation = "23505";

    private const string UpsertSnapshot =
        "INSERT INTO record_snapshot (client_id, seq, record, taken_at) VALUES ($1, $2, $3, now()) " +
        "ON CONFLICT (client_id) DO UPDATE SET seq = EXCLUDED.seq, record = EXCLUDED.record, taken_at = EXCLUDED.taken_at " +
        "WHERE record_snapshot.seq < EXCLUDED.seq";

    public async Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default)
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
        if (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            record = JsonSerializer.Deserialize<CareRecord>(reader.GetFieldValue<byte[]>(1), DomainSerialization.Options);
        }
        await reader.NextResultAsync(cancellationToken);
        record ??= CareRecord.Create(clientId);
        while (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            record = record.Apply(JsonSerializer.Deserialize<RecordEntry>(reader.GetFieldValue<byte[]>(1), DomainSerialization.Options)!);
        }
        return seq == 0 ? null : new JournaledRecord(record, seq);
    }

    public async Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(entry, DomainSerialization.Options);
        var snapshot = seq % SnapshotEvery == 0 ? Snapshot(after) : null;
        // The entry, its snapshot and its audit line: one transaction, both or neither.
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
            if (snapshot is not null)
            {
                var upsert = new NpgsqlBatchCommand(UpsertSnapshot);
                upsert.Parameters.Add(new NpgsqlParameter { Value = clientId });
                upsert.Parameters.Add(new NpgsqlParameter { Value = seq });
                upsert.Parameters.Add(new NpgsqlParameter { Value = snapshot, NpgsqlDbType = NpgsqlDbType.Jsonb });
                batch.BatchCommands.Add(upsert);
            }
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
            throw new JournalConflictException(clientId, seq);
        }
    }

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
                    await import.WriteAsync(JsonSerializer.Serialize(entry, DomainSerialization.Options), NpgsqlDbType.Jsonb, cancellationToken);
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

    /// <summary>
    /// A record as its snapshot stores it: the client and the history, which is all a record is rebuilt from. The
    /// current state a record's JSON also carries for readers would be read and thrown away on every load.
    /// </summary>
    private static string Snapshot(CareRecord record) =>
        JsonSerializer.Serialize(new StoredRecord(record.ClientId, record.History), DomainSerialization.Options);

    private sealed record StoredRecord(string ClientId, ImmutableList<RecordEntry> History);

    private static NpgsqlBatchCommand Command(string sql, string clientId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        return command;
    }
}
