using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Skill = Buurtzorg.Api.V1.Skill;

namespace Buurtzorg.Baseline;

/// <summary>
/// The team's caseload the conventional way: one round trip reading the team, the caller's membership and the clients
/// on its caseload. The access interceptor has checked that a nurse's token names this team; here, as in the silo,
/// she must also still be one of its members.
/// </summary>
internal sealed class BaselineTeamApi(NpgsqlDataSource database, CallerSeal seal) : TeamService.TeamServiceBase
{
    public override async Task<GetCaseloadResponse> GetCaseload(GetCaseloadRequest request, ServerCallContext context)
    {
        var teamId = Ids.Parse(request.TeamId, "team_id");
        var caller = seal.Current() ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "This request carries no identity."));
        return await Storage.Read(async () =>
        {
            await using var batch = database.CreateBatch();
            batch.BatchCommands.Add(Command(
                "SELECT capacity, EXISTS (SELECT 1 FROM baseline.nurse WHERE nurse_id = $2 AND team_id = $1) FROM baseline.team WHERE team_id = $1",
                teamId, caller.Subject));
            batch.BatchCommands.Add(Command(
                "SELECT client_id, referral_id, named_nurse_id, backup_nurse_id, needs, admitted_at FROM baseline.client " +
                "WHERE team_id = $1 ORDER BY admitted_at, client_id", teamId));
            await using var reader = await batch.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) throw CareRuleException.NotFound("No team has this id.");
            if (caller.Role == Role.Nurse && !reader.GetBoolean(1))
                throw new CareRuleException(RuleViolation.PermissionDenied, AccessPolicy.NotAMember, AccessPolicy.NotAMemberReason);
            var response = new GetCaseloadResponse { Capacity = reader.GetInt32(0) };
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                var entry = new CaseloadEntry
                {
                    ClientId = reader.GetString(0),
                    ReferralId = reader.GetString(1),
                    NamedNurseId = reader.GetString(2),
                    BackupNurseId = reader.IsDBNull(3) ? "" : reader.GetString(3),
                    AdmittedAt = Timestamp.FromDateTime(reader.GetDateTime(5)),
                };
                entry.Needs.AddRange(reader.GetFieldValue<int[]>(4).Select(n => (Skill)n));
                response.Entries.Add(entry);
            }
            return response;
        });
    }

    private static NpgsqlBatchCommand Command(string sql, params string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
