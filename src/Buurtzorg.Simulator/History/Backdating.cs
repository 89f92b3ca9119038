using System.Text.Json;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Npgsql;
using NpgsqlTypes;

namespace Buurtzorg.Simulator.History;

/// <summary>
/// The first step of <c>history --backdate</c>, a <b>benchmark fixture</b>: every client whose open episode began
/// after <c>admitOn</c> has its whole journal moved back (<see cref="EntryShift"/>) so that the episode opens that day,
/// and loses its snapshot (the present it held is of the old dates; the next load, or the history step, folds a new
/// one). This rewrites journal rows, which the schema refuses (the append-only trigger): the trigger is lifted and
/// restored inside the one transaction that does the rewrite, so it is never left off, whatever happens. Nothing
/// that holds real care records may ever be given to it; <see cref="HistoryOptions.BenchmarkDatabase"/> makes the
/// operator name the database.
/// </summary>
public static class Backdating
{
    /// <summary>Clients read, moved and written to the work table at a time: a few thousand rows in memory.</summary>
    public const int ClientsPerChunk = 500;

    public static async Task<int> Run(NpgsqlDataSource database, IReadOnlyList<string> clients, DateOnly admitOn, CareClock clock,
        TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clients);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, """
            ALTER TABLE record_journal DISABLE TRIGGER record_journal_append_only;
            CREATE TEMP TABLE backdated (client_id text, seq bigint, recorded_at timestamptz, entry jsonb) ON COMMIT DROP;
            """, cancellationToken);
        var moved = 0;
        foreach (var chunk in clients.Chunk(ClientsPerChunk))
        {
            var journals = await Journals(connection, chunk, cancellationToken);
            await using var import = await connection.BeginBinaryImportAsync(
                "COPY backdated (client_id, seq, recorded_at, entry) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var (clientId, rows) in journals)
            {
                var record = CareRecord.Replay(clientId, rows.Select(r => r.Entry));
                if (record.OpenEpisode is not { } episode) continue;
                var shift = new EntryShift(EntryShift.DaysBack(episode.AdmittedAt, admitOn, clock), clock);
                if (shift.Days == 0) continue;
                foreach (var (seq, entry) in rows)
                {
                    var back = shift.Back(entry);
                    await import.StartRowAsync(cancellationToken);
                    await import.WriteAsync(clientId, NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
                    await import.WriteAsync(back.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await import.WriteAsync(JsonSerializer.Serialize(back, DomainJson.Options), NpgsqlDbType.Jsonb, cancellationToken);
                }
                moved++;
            }
            await import.CompleteAsync(cancellationToken);
            progress.WriteLine($"history --backdate: {moved} clients' journals moved so far");
        }
        await Execute(connection, """
            UPDATE record_journal j SET recorded_at = b.recorded_at, entry = b.entry
              FROM backdated b WHERE j.client_id = b.client_id AND j.seq = b.seq;
            DELETE FROM record_snapshot s USING (SELECT DISTINCT client_id FROM backdated) b WHERE s.client_id = b.client_id;
            ALTER TABLE record_journal ENABLE ALWAYS TRIGGER record_journal_append_only;
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    private static async Task<List<(string ClientId, List<(long Seq, RecordEntry Entry)> Rows)>> Journals(
        NpgsqlConnection connection, string[] clients, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT client_id, seq, convert_to(entry::text, 'UTF8') FROM record_journal WHERE client_id = ANY($1) ORDER BY client_id, seq", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = clients });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var journals = new List<(string, List<(long, RecordEntry)>)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var clientId = reader.GetString(0);
            if (journals.Count == 0 || journals[^1].Item1 != clientId) journals.Add((clientId, []));
            var entry = JsonSerializer.Deserialize<RecordEntry>(reader.GetFieldValue<byte[]>(2), DomainJson.Options)!;
            journals[^1].Item2.Add((reader.GetInt64(1), entry));
        }
        return journals;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
