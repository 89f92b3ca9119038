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
/// newer entries in one round trip and replays them.
/// </summary>
public sealed class PostgresRecordJournal(NpgsqlDataSource database) : IRecordJournal
{
    public const int SnapshotEvery = 50;

    private const string UniqueViolation = "23505";

    public async Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT seq, record::text FROM record_snapshot WHERE client_id = $1", clientId));
        batch.BatchCommands.Add(Command(
            "SELECT seq, entry::text FROM record_journal WHERE client_id = $1 " +
            "AND seq > COALESCE((SELECT seq FROM record_snapshot WHERE client_id = $1), 0) ORDER BY seq", clientId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        CareRecord? record = null;
        long seq = 0;
        if (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            record = JsonSerializer.Deserialize<CareRecord>(reader.GetString(1), DomainSerialization.Options);
        }
        await reader.NextResultAsync(cancellationToken);
        record ??= CareRecord.Create(clientId);
        while (await reader.ReadAsync(cancellationToken))
        {
            seq = reader.GetInt64(0);
            record = record.Apply(JsonSerializer.Deserialize<RecordEntry>(reader.GetString(1), DomainSerialization.Options)!);
        }
        return seq == 0 ? null : new JournaledRecord(record, seq);
    }

    public async Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default)
    {
        await using var batch = database.CreateBatch();
        var append = new NpgsqlBatchCommand(
            "INSERT INTO record_journal (client_id, seq, entry_id, kind, recorded_at, entry) VALUES ($1, $2, $3, $4, $5, $6)");
        append.Parameters.Add(new NpgsqlParameter { Value = clientId });
        append.Parameters.Add(new NpgsqlParameter { Value = seq });
        append.Parameters.Add(new NpgsqlParameter { Value = entry.EntryId });
        append.Parameters.Add(new NpgsqlParameter { Value = entry.Kind });
        append.Parameters.Add(new NpgsqlParameter { Value = entry.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        append.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(entry, DomainSerialization.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(append);
        if (seq % SnapshotEvery == 0)
        {
            var snapshot = new NpgsqlBatchCommand(
                "INSERT INTO record_snapshot (client_id, seq, record, taken_at) VALUES ($1, $2, $3, now()) " +
                "ON CONFLICT (client_id) DO UPDATE SET seq = EXCLUDED.seq, record = EXCLUDED.record, taken_at = EXCLUDED.taken_at " +
                "WHERE record_snapshot.seq < EXCLUDED.seq");
            snapshot.Parameters.Add(new NpgsqlParameter { Value = clientId });
            snapshot.Parameters.Add(new NpgsqlParameter { Value = seq });
            snapshot.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(after, DomainSerialization.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(snapshot);
        }
        if (access is not null)
        {
            // The audit line goes with the entry: both or neither.
            var audit = new NpgsqlBatchCommand(PostgresAuditTrail.Insert);
            PostgresAuditTrail.AddParameters(audit.Parameters, access);
            batch.BatchCommands.Add(audit);
        }
        try
        {
            // A batch is one round trip and, without an explicit transaction, one implicit transaction.
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            throw new JournalConflictException(clientId, seq);
        }
    }

    private static NpgsqlBatchCommand Command(string sql, string clientId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        return command;
    }
}
