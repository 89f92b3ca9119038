using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Npgsql;

namespace Buurtzorg.Simulator.Baseline;

/// <summary>One behaviour the comparison relies on, checked on one service before it is measured.</summary>
public sealed record Check(string Service, string Behaviour, bool Passed, string Detail);

/// <summary>
/// Before anything is timed, each service is shown to answer as the comparison assumes: a retried visit recorded
/// once, a read audited before it is answered, a bad token refused, a visit in the future refused without a trace, a
/// nurse of another team refused. The counts are read from the service's own tables, so a check can fail.
/// </summary>
public sealed class BaselineChecks(NpgsqlDataSource database, BenchmarkTokens tokens)
{
    /// <summary>Where a service keeps its visits (by client and visit id) and its audit rows (by client).</summary>
    public sealed record Tables(string VisitRows, string AuditRows);

    public static readonly Tables Silo = new(
        "SELECT count(*) FROM record_journal WHERE client_id = $1 AND entry_id = $2",
        "SELECT count(*) FROM audit_log WHERE client_id = $1");

    public static readonly Tables Conventional = new(
        "SELECT count(*) FROM baseline.visit WHERE client_id = $1 AND visit_id = $2",
        "SELECT count(*) FROM baseline.audit_log WHERE client_id = $1");

    public async Task<IReadOnlyList<Check>> Run(MeasuredService service, Tables tables)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(tables);
        var records = new CareRecordService.CareRecordServiceClient(service.Channel);
        var (clientId, nurseId) = service.Clients[0];
        var checks = new List<Check>();
        void Add(string behaviour, bool passed, string detail) => checks.Add(new Check(service.Name, behaviour, passed, detail));

        var visit = BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddMinutes(-45));
        var first = await records.RecordVisitAsync(visit, service.Nurse);
        var again = await records.RecordVisitAsync(visit, service.Nurse);
        var visitId = Ids.Derive("visit", visit.RequestId);
        var rows = await Count(tables.VisitRows, clientId, visitId);
        Add("a retried visit is recorded once", first.Visit.VisitId == visitId && again.Visit.VisitId == visitId && rows == 1,
            $"answers {first.Visit.VisitId} and {again.Visit.VisitId}, {rows} row(s) stored");

        var audited = await Count(tables.AuditRows, clientId);
        await records.GetRecordAsync(new GetRecordRequest { ClientId = clientId }, service.Nurse);
        var afterRead = await Count(tables.AuditRows, clientId);
        Add("a read is audited before it is answered", afterRead == audited + 1, $"audit rows {audited} before the read, {afterRead} once answered");

        var forged = tokens.Forger().As(Role.Nurse, service.TeamId, nurseId);
        var refused = await StatusOf(() => records.GetRecordAsync(new GetRecordRequest { ClientId = clientId }, forged).ResponseAsync);
        var afterForged = await Count(tables.AuditRows, clientId);
        Add("a bad token is refused", refused == StatusCode.Unauthenticated && afterForged == afterRead, $"{refused}, audit rows {afterRead} → {afterForged}");

        var future = BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddHours(1));
        var early = await StatusOf(() => records.RecordVisitAsync(future, service.Nurse).ResponseAsync);
        var futureRows = await Count(tables.VisitRows, clientId, Ids.Derive("visit", future.RequestId));
        Add("a visit in the future is refused and changes nothing", early == StatusCode.InvalidArgument && futureRows == 0, $"{early}, {futureRows} row(s) stored");

        var elsewhere = tokens.As(Role.Nurse, "team-elsewhere", nurseId);
        var denied = await StatusOf(() => records.GetRecordAsync(new GetRecordRequest { ClientId = clientId }, elsewhere).ResponseAsync);
        Add("a nurse of another team is refused", denied == StatusCode.PermissionDenied, $"{denied}");
        return checks;
    }

    private static async Task<StatusCode> StatusOf<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private async Task<long> Count(string sql, params string[] values)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
