using Buurtzorg.Grains;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;
using Npgsql;
using NpgsqlTypes;

namespace Buurtzorg.Storage.Journal;

/// <summary>
/// The audit trail in PostgreSQL's append-only <c>audit_log</c> table. Every read of a record writes a line, and the
/// read answers only once it is committed; given a <see cref="GroupCommit"/>, lines from many reads share a commit.
/// </summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource database, GroupCommit? commits = null) : IAuditTrail
{
    internal const string Insert =
        "INSERT INTO audit_log (client_id, at, subject, role, team_id, action, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)";

    /// <summary>
    /// Writes the line; while the store is unreachable the read it audits is refused as a whole ("please try again":
    /// a line written twice by a retried read only says the record was read twice).
    /// </summary>
    public async Task Record(AccessRecord access, CancellationToken cancellationToken = default)
    {
        void Add(NpgsqlBatch batch)
        {
            var insert = new NpgsqlBatchCommand(Insert);
            AddParameters(insert.Parameters, access);
            batch.BatchCommands.Add(insert);
        }
        try
        {
            await (commits is null ? GroupCommit.Alone(database, Add) : commits.Execute(Add));
        }
        catch (StorageUnavailableException e) when (e.OutcomeUnknown)
        {
            throw new StorageUnavailableException(StorageFaults.ReadFailed);
        }
    }

    public Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(() => Lines(clientId, cancellationToken));

    private async Task<IReadOnlyList<AccessRecord>> Lines(string clientId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT at, subject, role, team_id, action, reason FROM audit_log WHERE client_id = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accesses = new List<AccessRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accesses.Add(new AccessRecord(
                new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero),
                clientId,
                reader.GetString(1),
                Caller.RoleNames[reader.GetString(2)],
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return accesses;
    }

    internal static void AddParameters(NpgsqlParameterCollection parameters, AccessRecord access)
    {
        parameters.Add(new NpgsqlParameter { Value = access.ClientId });
        parameters.Add(new NpgsqlParameter { Value = access.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter { Value = access.Subject });
        parameters.Add(new NpgsqlParameter { Value = Caller.NameOf(access.Role) });
        parameters.Add(new NpgsqlParameter { Value = (object?)access.TeamId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = access.Action });
        parameters.Add(new NpgsqlParameter { Value = (object?)access.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }
}
