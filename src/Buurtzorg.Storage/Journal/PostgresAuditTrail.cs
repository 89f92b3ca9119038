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
    public Task Record(AccessRecord access, CancellationToken cancellationToken = default) => RecordAll([access], cancellationToken);

    /// <summary>The lines as one batch: one round trip, one transaction (shared with other callers' under a group commit).</summary>
    public async Task RecordAll(IReadOnlyCollection<AccessRecord> accesses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accesses);
        if (accesses.Count == 0) return;
        void Add(NpgsqlBatch batch)
        {
            foreach (var access in accesses)
            {
                var insert = new NpgsqlBatchCommand(Insert);
                AddParameters(insert.Parameters, access);
                batch.BatchCommands.Add(insert);
            }
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
        StorageFaults.Reading<IReadOnlyList<AccessRecord>>(async () =>
            (await Lines(clientId, 0, int.MaxValue, cancellationToken)).ConvertAll(l => l.Access));

    /// <summary>A line's position is its row id: ids only grow, so a page's last id is where the next one starts.</summary>
    public Task<AccessPage> Page(string clientId, long after, int limit, CancellationToken cancellationToken = default) =>
        StorageFaults.Reading(async () =>
        {
            var lines = await Lines(clientId, after, limit + 1, cancellationToken);
            var page = lines.Take(limit).ToList();
            return new AccessPage(page.ConvertAll(l => l.Access), lines.Count > limit ? page[^1].Id : null);
        });

    private async Task<List<(long Id, AccessRecord Access)>> Lines(string clientId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT id, at, subject, role, team_id, action, reason FROM audit_log WHERE client_id = $1 AND id > $2 ORDER BY id LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accesses = new List<(long, AccessRecord)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accesses.Add((reader.GetInt64(0), new AccessRecord(
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                clientId,
                reader.GetString(2),
                Caller.RoleNames[reader.GetString(3)],
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6))));
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
