using Buurtzorg.Api;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using CareRecordRules = Buurtzorg.Domain.Records.CareRecordRules;
using ReferralSource = Buurtzorg.Api.V1.ReferralSource;
using Skill = Buurtzorg.Api.V1.Skill;

namespace Buurtzorg.Baseline;

/// <summary>
/// A client's record the conventional way: nothing held between requests, every request read from and written to
/// PostgreSQL. A visit is two round trips — read what the rules need (the episode, the visiting nurse's team, the
/// caller's membership, a visit already stored under the request id), then one statement that inserts the visit and
/// its audit row together (committed before the answer). A read is one round trip: the record and its audit row in one
/// implicit transaction.
/// </summary>
internal sealed class BaselineCareRecordApi(NpgsqlDataSource database, CallerSeal seal, CareClock clock) : CareRecordService.CareRecordServiceBase
{
    private const int LatestShown = 10; // as the project's record view shows (RecordView.LatestShown)
    private const int MostInterventions = 50;
    private const string NoRecord = "No client record has this id.";
    private const string VisitKind = "visit_recorded";

    public override async Task<RecordVisitResponse> RecordVisit(RecordVisitRequest request, ServerCallContext context)
    {
        // The silo's checks of the request itself, in the same order, before any database work.
        var nurseId = Ids.Parse(request.NurseId, "nurse_id");
        var requestId = Ids.RequestId(request.RequestId);
        var clientId = Ids.Parse(request.ClientId, "client_id");
        var start = Wire.Instant(request.Start, "start", clock);
        var interventions = Wire.Bounded(request.InterventionsDone, "interventions_done", MostInterventions)
            .Select(i => Ids.Parse(i, "interventions_done")).ToList();
        var note = Text.Optional(request.Note, "Visit note", Text.NoteMax, multiline: true);
        var now = clock.LocalNow;
        if (request.DurationMinutes is < 1 or > CareRecordRules.MaxVisitMinutes)
            throw CareRuleException.Invalid($"A visit lasts 1 to {CareRecordRules.MaxVisitMinutes} minutes.");
        if (request.DirectCareMinutes < 0 || request.DirectCareMinutes > request.DurationMinutes)
            throw CareRuleException.Invalid("Direct-care minutes must be between 0 and the visit's length.");
        if (start > now + CareRecordRules.FutureVisitTolerance)
            throw CareRuleException.Invalid("A visit cannot start in the future: record it once it has started.");
        var caller = CurrentCaller();

        var found = await Storage.Read(() => VisitContext(clientId, nurseId, requestId, caller));
        if (found is not { } record) throw CareRuleException.NotFound(NoRecord);
        Allow(caller, record.TeamId, record.CallerIsMember);
        if (record.Stored is { } stored) return new RecordVisitResponse { Visit = stored }; // a retry
        if (record.TeamId is not { } teamId || record.AdmittedAt is not { } admitted)
            throw CareRuleException.Precondition(CareRecordRules.NotOnCaseload, "NOT_ON_CASELOAD");
        // A nurse recording her own visit to a client of her team has just been checked as a member; anyone else is
        // looked up, and must be of the client's team unless the visit is out of hours.
        var ownVisit = caller is { Role: Role.Nurse } && caller.Subject == nurseId && caller.TeamId == teamId;
        if (!ownVisit && !record.NurseKnown) throw CareRuleException.NotFound("No nurse has this id.");
        if (!ownVisit && !request.OutOfHours && record.NurseTeamId != teamId)
            throw CareRuleException.Precondition("The nurse is not a member of the client's team: record the visit as out of hours.", "NOT_THE_CLIENTS_TEAM");
        if (start < admitted - CareRecordRules.AssessmentGrace)
            throw CareRuleException.Precondition("The visit is dated before the client was admitted: check its date.", CareRecordRules.OutsideEpisode);
        // There is no care plan here: an intervention named by a visit is never an active one.
        if (interventions.Count > 0) throw CareRuleException.NotFound("A visit lists an intervention that is not active on the care plan.");

        var visit = new Visit
        {
            VisitId = Ids.Derive("visit", requestId),
            NurseId = nurseId,
            Start = Timestamp.FromDateTimeOffset(start),
            DurationMinutes = request.DurationMinutes,
            DirectCareMinutes = request.DirectCareMinutes,
            Note = note ?? "",
            OutOfHours = request.OutOfHours,
        };
        var saved = await Storage.Write(() => Insert(clientId, requestId, visit, caller, now));
        // Saved by a retry racing this one: answer with the visit as it was first stored.
        return new RecordVisitResponse { Visit = saved ? visit : (await Storage.Read(() => VisitContext(clientId, nurseId, requestId, caller)))?.Stored ?? visit };
    }

    public override async Task<GetRecordResponse> GetRecord(GetRecordRequest request, ServerCallContext context)
    {
        var clientId = Ids.Parse(request.ClientId, "client_id");
        var caller = CurrentCaller();
        var record = await Storage.Read(() => ReadAndAudit(clientId, caller)) ?? throw CareRuleException.NotFound(NoRecord);
        // Nothing was audited unless the caller may read: the audit row is inserted only under the same condition.
        Allow(caller, record.TeamId, record.CallerIsMember);
        return new GetRecordResponse { Record = record.Record };
    }

    /// <summary>The caller the access interceptor checked and sealed, as the grains read it.</summary>
    private Caller CurrentCaller() =>
        seal.Current() ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "This request carries no identity."));

    /// <summary>The silo's rule for a client's record: a nurse of the client's team who is still one of its members.</summary>
    private static void Allow(Caller caller, string? teamId, bool callerIsMember)
    {
        if (caller.Role != Role.Nurse) return; // out of hours: any record, with a stated reason (checked by the interceptor)
        if (teamId is null || caller.TeamId != teamId) throw new CareRuleException(RuleViolation.PermissionDenied, "This belongs to another team.");
        if (!callerIsMember) throw new CareRuleException(RuleViolation.PermissionDenied, AccessPolicy.NotAMember, AccessPolicy.NotAMemberReason);
    }

    private sealed record VisitFacts(string? TeamId, DateTimeOffset? AdmittedAt, bool CallerIsMember, bool NurseKnown, string? NurseTeamId, Visit? Stored);

    private async Task<VisitFacts?> VisitContext(string clientId, string nurseId, string requestId, Caller caller)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            "SELECT c.team_id, c.admitted_at, EXISTS (SELECT 1 FROM baseline.nurse m WHERE m.nurse_id = $2 AND m.team_id = c.team_id), " +
            "n.nurse_id IS NOT NULL, n.team_id FROM baseline.client c LEFT JOIN baseline.nurse n ON n.nurse_id = $3 WHERE c.client_id = $1",
            clientId, caller.Subject, nurseId));
        batch.BatchCommands.Add(Command(
            "SELECT visit_id, nurse_id, start_at, duration_minutes, direct_care_minutes, note, out_of_hours FROM baseline.visit " +
            "WHERE client_id = $1 AND request_id = $2", clientId, requestId));
        await using var reader = await batch.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        var facts = new VisitFacts(Optional(reader, 0), reader.IsDBNull(1) ? null : Instant(reader.GetDateTime(1)),
            reader.GetBoolean(2), reader.GetBoolean(3), Optional(reader, 4), null);
        await reader.NextResultAsync();
        return await reader.ReadAsync() ? facts with { Stored = VisitOf(reader) } : facts;
    }

    /// <summary>The visit and its audit row in one statement; false when a visit under this request id was there first.</summary>
    private async Task<bool> Insert(string clientId, string requestId, Visit visit, Caller caller, DateTimeOffset now)
    {
        await using var insert = database.CreateCommand(
            "WITH saved AS (INSERT INTO baseline.visit (client_id, request_id, visit_id, nurse_id, start_at, duration_minutes, " +
            "direct_care_minutes, note, out_of_hours, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $4) " +
            "ON CONFLICT ON CONSTRAINT visit_request DO NOTHING RETURNING client_id) " +
            "INSERT INTO baseline.audit_log (client_id, at, subject, role, team_id, action, reason) " +
            "SELECT client_id, $10, $11, $12, $13, $14, $15 FROM saved");
        var p = insert.Parameters;
        p.Add(TextParameter(clientId));
        p.Add(TextParameter(requestId));
        p.Add(TextParameter(visit.VisitId));
        p.Add(TextParameter(visit.NurseId));
        p.Add(new NpgsqlParameter { Value = visit.Start.ToDateTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = visit.DurationMinutes });
        p.Add(new NpgsqlParameter { Value = visit.DirectCareMinutes });
        p.Add(TextParameter(visit.Note.Length == 0 ? null : visit.Note));
        p.Add(new NpgsqlParameter { Value = visit.OutOfHours });
        AddAudit(p, now, caller, $"write {VisitKind}");
        return await insert.ExecuteNonQueryAsync() == 1;
    }

    private sealed record ReadRecord(string? TeamId, bool CallerIsMember, CareRecord Record);

    /// <summary>
    /// The record (demographics, episode, the latest visits and the episode's tallies) and the audit row of this read,
    /// in one round trip and one implicit transaction: the row is inserted only if the caller may read the record.
    /// </summary>
    private async Task<ReadRecord?> ReadAndAudit(string clientId, Caller caller)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            "SELECT c.nhs_number, c.given_name, c.family_name, c.date_of_birth, c.address_line, c.postcode, c.team_id, c.episode_id, " +
            "c.referral_id, c.admitted_at, c.needs, EXISTS (SELECT 1 FROM baseline.nurse m WHERE m.nurse_id = $2 AND m.team_id = c.team_id) " +
            "FROM baseline.client c WHERE c.client_id = $1", clientId, caller.Subject));
        batch.BatchCommands.Add(Command(
            "SELECT visit_id, nurse_id, start_at, duration_minutes, direct_care_minutes, note, out_of_hours FROM baseline.visit " +
            $"WHERE client_id = $1 ORDER BY start_at DESC LIMIT {LatestShown}", clientId));
        batch.BatchCommands.Add(Command(
            "SELECT count(*)::int, COALESCE(sum(direct_care_minutes), 0)::bigint, COALESCE(sum(duration_minutes), 0)::bigint " +
            "FROM baseline.visit WHERE client_id = $1", clientId));
        var audit = Command(
            "INSERT INTO baseline.audit_log (client_id, at, subject, role, team_id, action, reason) " +
            "SELECT c.client_id, $2, $3, $4, $5, $6, $7 FROM baseline.client c WHERE c.client_id = $1 AND ($8 OR (c.team_id = $5 " +
            "AND EXISTS (SELECT 1 FROM baseline.nurse m WHERE m.nurse_id = $3 AND m.team_id = c.team_id)))", clientId);
        AddAudit(audit.Parameters, clock.LocalNow, caller, "read record");
        audit.Parameters.Add(new NpgsqlParameter { Value = caller.Role != Role.Nurse });
        batch.BatchCommands.Add(audit);
        await using var reader = await batch.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        var teamId = Optional(reader, 6);
        var record = new CareRecord
        {
            ClientId = clientId,
            NhsNumber = reader.GetString(0),
            Details = new ClientDetails
            {
                GivenName = reader.GetString(1),
                FamilyName = reader.GetString(2),
                DateOfBirth = Wire.Date(reader.GetFieldValue<DateOnly>(3)),
                AddressLine = reader.GetString(4),
                Postcode = reader.GetString(5),
            },
            TeamId = teamId ?? "",
        };
        if (teamId is not null)
        {
            record.CurrentEpisode = new Episode
            {
                EpisodeId = reader.GetString(7),
                TeamId = teamId,
                ReferralId = reader.GetString(8),
                Source = ReferralSource.GeneralPractitioner,
                AdmittedAt = Timestamp.FromDateTime(reader.GetDateTime(9)),
            };
            record.CurrentEpisode.Needs.AddRange(reader.GetFieldValue<int[]>(10).Select(n => (Skill)n));
        }
        var member = reader.GetBoolean(11);
        await reader.NextResultAsync();
        while (await reader.ReadAsync()) record.Visits.Add(VisitOf(reader));
        await reader.NextResultAsync();
        await reader.ReadAsync();
        record.VisitsInEpisode = reader.GetInt32(0);
        if (reader.GetInt64(2) > 0) record.DirectCareShare = (double)reader.GetInt64(1) / reader.GetInt64(2);
        return new ReadRecord(teamId, member, record);
    }

    private static void AddAudit(NpgsqlParameterCollection parameters, DateTimeOffset at, Caller caller, string action)
    {
        parameters.Add(new NpgsqlParameter { Value = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(TextParameter(caller.Subject));
        parameters.Add(TextParameter(Grains.Security.Caller.NameOf(caller.Role)));
        parameters.Add(TextParameter(caller.TeamId));
        parameters.Add(TextParameter(action));
        parameters.Add(TextParameter(caller.Reason));
    }

    private static Visit VisitOf(NpgsqlDataReader reader) => new()
    {
        VisitId = reader.GetString(0),
        NurseId = reader.GetString(1),
        Start = Timestamp.FromDateTime(reader.GetDateTime(2)),
        DurationMinutes = reader.GetInt32(3),
        DirectCareMinutes = reader.GetInt32(4),
        Note = reader.IsDBNull(5) ? "" : reader.GetString(5),
        OutOfHours = reader.GetBoolean(6),
    };

    private DateTimeOffset Instant(DateTime utc) => clock.ToLocal(new DateTimeOffset(utc, TimeSpan.Zero));

    private static string? Optional(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static NpgsqlParameter TextParameter(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlBatchCommand Command(string sql, params string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(TextParameter(value));
        return command;
    }
}
