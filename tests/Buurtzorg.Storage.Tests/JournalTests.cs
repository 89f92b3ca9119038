using Buurtzorg.TestSupport;
using Npgsql;
using NpgsqlTypes;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class JournalTests(PostgresServer postgres)
{
    private const string Rows = "SELECT client_id, seq, entry_id, kind, recorded_at, entry::text FROM record_journal ORDER BY client_id, seq";

    [Fact]
    public async Task Entries_are_appended_and_a_repeated_seq_or_entry_id_is_a_unique_violation()
    {
        var database = await postgres.MigratedAsync("journal");
        await Append(database, "client-1", 1, "entry-a", "admitted");
        await Append(database, "client-1", 2, "entry-b", "visit");
        await Append(database, "client-2", 1, "entry-a", "admitted"); // seq and entry id are per client

        var sameSeq = await Assert.ThrowsAsync<PostgresException>(() => Append(database, "client-1", 2, "entry-c", "visit"));
        var sameEntry = await Assert.ThrowsAsync<PostgresException>(() => Append(database, "client-1", 3, "entry-b", "visit"));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, sameSeq.SqlState);
        Assert.Equal("record_journal_pkey", sameSeq.ConstraintName);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, sameEntry.SqlState);
        Assert.Equal("record_journal_client_id_entry_id_key", sameEntry.ConstraintName);
        Assert.Equal(3, (await Database.LinesAsync(database, Rows)).Count);
    }

    [Theory]
    [InlineData("UPDATE record_journal SET kind = 'edited' WHERE client_id = 'client-1' AND seq = 1", "UPDATE")]
    [InlineData("UPDATE record_journal SET entry = '{}' WHERE client_id = 'client-1'", "UPDATE")]
    [InlineData("DELETE FROM record_journal WHERE client_id = 'client-1' AND seq = 2", "DELETE")]
    [InlineData("INSERT INTO record_journal VALUES ('client-1', 1, 'entry-a', 'again', now(), '{}') ON CONFLICT (client_id, seq) DO UPDATE SET kind = excluded.kind", "UPDATE")]
    [InlineData("TRUNCATE record_journal", "TRUNCATE")]
    public async Task Changing_or_removing_an_entry_is_refused_for_every_role_and_changes_nothing(string change, string operation)
    {
        var database = await postgres.MigratedAsync("append_only");
        await Append(database, "client-1", 1, "entry-a", "admitted");
        await Append(database, "client-1", 2, "entry-b", "visit");
        var before = await Database.LinesAsync(database, Rows);

        // An application role with every privilege on the table, the superuser, and the superuser with ordinary
        // triggers switched off for replication.
        var role = $"app_{Guid.NewGuid():N}";
        await Database.ExecuteAsync(database, $"CREATE ROLE {role}; GRANT ALL ON record_journal TO {role}");
        foreach (var session in (string[])[$"SET ROLE {role}", "RESET ROLE", "SET session_replication_role = replica"])
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(database, $"{session}; {change}"));

            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Equal($"record_journal is append-only: {operation} refused", refused.MessageText);
            Assert.Equal(before, await Database.LinesAsync(database, Rows));
        }
        await Database.ExecuteAsync(database, $"REVOKE ALL ON record_journal FROM {role}; DROP ROLE {role}");
    }

    [Fact]
    public async Task A_snapshot_is_freely_replaced()
    {
        var database = await postgres.MigratedAsync("snapshot");
        const string upsert = """
            INSERT INTO record_snapshot (client_id, seq, record, taken_at) VALUES (@client, @seq, @record::jsonb, @taken)
            ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq, record = excluded.record, taken_at = excluded.taken_at
            """;

        await Database.ExecuteAsync(database, upsert, ("client", "client-1"), ("seq", 3L), ("record", """{"visits":3}"""), ("taken", DateTime.UtcNow));
        await Database.ExecuteAsync(database, upsert, ("client", "client-1"), ("seq", 7L), ("record", """{"visits":7}"""), ("taken", DateTime.UtcNow));

        Assert.Equal(["client-1 | 7 | {\"visits\": 7}"], await Database.LinesAsync(database, "SELECT client_id, seq, record::text FROM record_snapshot"));
        Assert.Equal(1, await Database.ExecuteAsync(database, "DELETE FROM record_snapshot WHERE client_id = 'client-1'"));
    }

    private static async Task Append(string database, string clientId, long seq, string entryId, string kind)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO record_journal (client_id, seq, entry_id, kind, recorded_at, entry) VALUES (@client, @seq, @entry_id, @kind, @at, @entry)",
            connection);
        command.Parameters.AddWithValue("client", clientId);
        command.Parameters.AddWithValue("seq", seq);
        command.Parameters.AddWithValue("entry_id", entryId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("at", DateTime.UtcNow);
        command.Parameters.AddWithValue("entry", NpgsqlDbType.Jsonb, $$"""{"kind":"{{kind}}"}""");
        await command.ExecuteNonQueryAsync();
    }
}
