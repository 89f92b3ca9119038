using Buurtzorg.Domain.Common;
using Npgsql;
using NpgsqlTypes;

namespace Buurtzorg.Baseline;

/// <summary>A team as the baseline seeds it: its nurses, and its clients each with their named nurse.</summary>
public sealed record BaselineTeam(string TeamId, IReadOnlyList<string> NurseIds, IReadOnlyList<(string ClientId, string NurseId)> Clients);

/// <summary>
/// The baseline's own tables, in a schema of their own so they share a database with the silo's without touching
/// them: what a conventional service keeps — rows for teams, nurses and clients (the open episode as columns of the
/// client), one row per visit, unique by the request that recorded it, and an append-only audit log.
/// </summary>
public static class BaselineSchema
{
    public const string Name = "baseline";

    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS baseline;
        CREATE TABLE IF NOT EXISTS baseline.team (
            team_id text PRIMARY KEY,
            name text NOT NULL,
            capacity integer NOT NULL);
        CREATE TABLE IF NOT EXISTS baseline.nurse (
            nurse_id text PRIMARY KEY,
            team_id text REFERENCES baseline.team,
            display_name text NOT NULL);
        CREATE TABLE IF NOT EXISTS baseline.client (
            client_id text PRIMARY KEY,
            nhs_number text NOT NULL UNIQUE,
            given_name text NOT NULL,
            family_name text NOT NULL,
            date_of_birth date NOT NULL,
            address_line text NOT NULL,
            postcode text NOT NULL,
            -- The open episode: the team whose caseload the client is on, null once discharged.
            team_id text REFERENCES baseline.team,
            episode_id text,
            referral_id text,
            named_nurse_id text REFERENCES baseline.nurse,
            backup_nurse_id text REFERENCES baseline.nurse,
            -- Skills the care needs, as the protos number them.
            needs integer[] NOT NULL DEFAULT '{}',
            admitted_at timestamptz);
        CREATE INDEX IF NOT EXISTS client_caseload ON baseline.client (team_id) WHERE team_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS baseline.visit (
            client_id text NOT NULL REFERENCES baseline.client,
            request_id text NOT NULL,
            visit_id text NOT NULL,
            nurse_id text NOT NULL,
            start_at timestamptz NOT NULL,
            duration_minutes integer NOT NULL,
            direct_care_minutes integer NOT NULL,
            note text,
            out_of_hours boolean NOT NULL,
            recorded_at timestamptz NOT NULL,
            recorded_by text NOT NULL,
            -- A retried request finds its visit here, however often it is sent.
            CONSTRAINT visit_request UNIQUE (client_id, request_id));
        CREATE INDEX IF NOT EXISTS visit_latest ON baseline.visit (client_id, start_at DESC);
        CREATE TABLE IF NOT EXISTS baseline.audit_log (
            id bigserial PRIMARY KEY,
            client_id text NOT NULL,
            at timestamptz NOT NULL,
            subject text NOT NULL,
            role text NOT NULL,
            team_id text,
            action text NOT NULL,
            reason text);
        CREATE INDEX IF NOT EXISTS audit_client ON baseline.audit_log (client_id);
        """;

    /// <summary>Creates the schema if it is not there (one baseline process at a time: no lock taken).</summary>
    public static async Task Create(NpgsqlDataSource database)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var create = database.CreateCommand(Ddl);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// One team of <paramref name="nurses"/> members with <paramref name="clients"/> clients on its caseload, admitted
    /// now, named nurses in turn; NHS numbers from the range reserved for tests, people made up. One transaction.
    /// </summary>
    public static async Task<BaselineTeam> SeedTeam(NpgsqlDataSource database, int nurses, int clients)
    {
        ArgumentNullException.ThrowIfNull(database);
        await Create(database);
        var teamId = Ids.New("team");
        var nurseIds = Enumerable.Range(0, nurses).Select(_ => Ids.New("nurse")).ToList();
        var clientIds = Enumerable.Range(0, clients).Select(c => (Ids.New("client"), nurseIds[c % nurses])).ToList();
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("INSERT INTO baseline.team (team_id, name, capacity) VALUES ($1, 'Baseline', $2)", teamId, clients));
        foreach (var (nurseId, n) in nurseIds.Select((id, n) => (id, n)))
            batch.BatchCommands.Add(Command("INSERT INTO baseline.nurse (nurse_id, team_id, display_name) VALUES ($1, $2, $3)", nurseId, teamId, $"Baseline nurse {n}"));
        // Drawn afresh each run (never from a seed), as the silo's benchmark team does: a unique NHS number per client.
        var first = Random.Shared.Next(0, 800_000);
        foreach (var ((clientId, nurseId), c) in clientIds.Select((x, c) => (x, c)))
        {
            var insert = Command(
                "INSERT INTO baseline.client (client_id, nhs_number, given_name, family_name, date_of_birth, address_line, postcode, " +
                "team_id, episode_id, referral_id, named_nurse_id, backup_nurse_id, needs, admitted_at) " +
                "VALUES ($1, $2, 'Bench', 'Mark', DATE '1940-01-01', '1 Test Road', 'E3 2AB', $3, $4, $5, $6, $7, ARRAY[$8], now())",
                clientId, NhsNumber.ForTesting(first + c).Digits!, teamId, Ids.New("ep"), Ids.New("ref"), nurseId,
                nurseIds[(c + 1) % nurses], (int)Api.V1.Skill.WoundCare);
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return new BaselineTeam(teamId, nurseIds, clientIds);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = value is int ? NpgsqlDbType.Integer : NpgsqlDbType.Text });
        return command;
    }
}
