using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Buurtzorg.Api.Security;

/// <summary>
/// The access rules at the gRPC layer: turns the validated token into a <see cref="Caller"/>, checks the RPC against
/// <see cref="AccessPolicy"/> for the team the request names, and seals the caller into the request context so the
/// grains check it again against their own data (for a client record, the team whose caseload it is on).
/// </summary>
public sealed class AccessInterceptor(CallerSeal seal) : Interceptor
{
    public const string ReasonHeader = "x-access-reason";

    private const string OurServices = "/buurtzorg.";

    private sealed record Rule(Operation Operation, Func<IMessage, string?>? TeamOf = null);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        [Name(TeamService.Descriptor, "ApplyTeam")] = new(Operation.ApplyTeam),
        [Name(TeamService.Descriptor, "ApproveTeam")] = new(Operation.GovernTeam),
        [Name(TeamService.Descriptor, "CloseTeam")] = new(Operation.GovernTeam),
        [Name(TeamService.Descriptor, "GetTeam")] = new(Operation.ReadTeam, TeamIdField),
        [Name(TeamService.Descriptor, "JoinTeam")] = new(Operation.ManageTeam, TeamIdField),
        [Name(TeamService.Descriptor, "LeaveTeam")] = new(Operation.ManageTeam, TeamIdField),
        [Name(TeamService.Descriptor, "SetCapacityPolicy")] = new(Operation.ManageTeam, TeamIdField),
        [Name(TeamService.Descriptor, "GetCaseload")] = new(Operation.ReadCaseload, TeamIdField),
        [Name(TeamService.Descriptor, "GetContinuity")] = new(Operation.ReadContinuity, TeamIdField),
        [Name(NurseService.Descriptor, "RegisterNurse")] = new(Operation.RegisterNurse),
        [Name(NurseService.Descriptor, "GetNurse")] = new(Operation.ReadNurse),
        [Name(NurseService.Descriptor, "AddLeavePeriod")] = new(Operation.ManageLeave),
        [Name(NurseService.Descriptor, "EndLeave")] = new(Operation.ManageLeave),
        [Name(ReferralService.Descriptor, "Refer")] = new(Operation.Refer, TeamIdField),
        [Name(ReferralService.Descriptor, "ListReferrals")] = new(Operation.ReadCaseload, TeamIdField),
        [Name(ReferralService.Descriptor, "Admit")] = new(Operation.ManageTeam, TeamIdField),
        [Name(ReferralService.Descriptor, "Decline")] = new(Operation.ManageTeam, TeamIdField),
        [Name(ReferralService.Descriptor, "Discharge")] = new(Operation.ManageTeam, TeamIdField),
        [Name(ReferralService.Descriptor, "ReassignNamedNurse")] = new(Operation.ManageTeam, TeamIdField),
        [Name(CareRecordService.Descriptor, "GetRecord")] = new(Operation.ReadRecord),
        [Name(CareRecordService.Descriptor, "GetHistory")] = new(Operation.ReadRecord),
        // The whole record: its history pages are read (and audited) as GetHistory reads them.
        [Name(CareRecordService.Descriptor, "ExportFhir")] = new(Operation.ReadRecord),
        [Name(CareRecordService.Descriptor, "ListAccesses")] = new(Operation.ReadAudit),
        [Name(CentralOfficeService.Descriptor, "GetOverview")] = new(Operation.ReadOrganisation),
        [Name(CentralOfficeService.Descriptor, "ListTeams")] = new(Operation.ReadOrganisation),
        [Name(CentralOfficeService.Descriptor, "GetTeamFigures")] = new(Operation.ReadOrganisation),
        [Name(CentralOfficeService.Descriptor, "ListAlerts")] = new(Operation.ReadOrganisation),
        [Name(CentralOfficeService.Descriptor, "AssignRegion")] = new(Operation.GovernTeam),
        [Name(CentralOfficeService.Descriptor, "WatchChanges")] = new(Operation.ReadOrganisation),
        [Name(PlanningService.Descriptor, "GetVisitsDue")] = new(Operation.ReadCaseload, TeamIdField),
        [Name(PlanningService.Descriptor, "GetDayPlan")] = new(Operation.ReadCaseload, TeamIdField),
        // The team is the token's: the team-day grain checks the nurse against its members, and the service the role.
        [Name(PlanningService.Descriptor, "GetMyDay")] = new(Operation.ReadRecord),
        [Name(PlanningService.Descriptor, "ReviewDay")] = new(Operation.ManageTeam, TeamIdField),
        [Name(PlanningService.Descriptor, "ReassignVisit")] = new(Operation.ManageTeam, TeamIdField),
        [Name(OnCallService.Descriptor, "SetOnCall")] = new(Operation.ManageTeam, TeamIdField),
        [Name(OnCallService.Descriptor, "GetRota")] = new(Operation.ReadCaseload, TeamIdField),
        [Name(OnCallService.Descriptor, "LogCall")] = new(Operation.ManageTeam, TeamIdField),
        [Name(OnCallService.Descriptor, "ListCalls")] = new(Operation.ReadCaseload, TeamIdField),
        [Name(OnCallService.Descriptor, "RecordOutOfHoursVisit")] = new(Operation.RecordOutOfHoursVisit),
        // A batch of record writes for the caller's own team; each item is checked again as its single call would be.
        [Name(SyncService.Descriptor, "Upload")] = new(Operation.WriteRecord, TeamIdField),
        [Name(SyncService.Descriptor, "Changes")] = new(Operation.ReadCaseload, TeamIdField),
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(request, context);
        return await continuation(request, context);
    }

    /// <summary>Streams (the central office's watch) are checked as unary calls are.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(request, context);
        await continuation(request, responseStream, context);
    }

    /// <summary>Checks the call against the rules and seals its caller for the grains; health and reflection stay open.</summary>
    private void Admit(object request, ServerCallContext context)
    {
        if (!context.Method.StartsWith(OurServices, StringComparison.Ordinal)) return;
        // A malformed team id is INVALID_ARGUMENT whoever asks (common.proto), never "another team's".
        TeamIdField((IMessage)request);
        var caller = CallerOf(context);
        var rule = Rules.GetValueOrDefault(context.Method) ?? DefaultRule(context.Method, request);
        // Where the request names no team (a nurse, a client record), the grain that holds the data checks the team.
        var team = rule.TeamOf?.Invoke((IMessage)request);
        if (AccessPolicy.Decide(caller, rule.Operation, team, teamCheckedElsewhere: rule.TeamOf is null) is { Allowed: false, Denial: var denial })
            throw new RpcException(new Status(StatusCode.PermissionDenied, denial!));
        seal.Attach(caller);
    }

    /// <summary>Every other CareRecordService method writes the record; an out-of-hours visit is its own operation.</summary>
    private static Rule DefaultRule(string method, object request) => method.StartsWith($"/{CareRecordService.Descriptor.FullName}/", StringComparison.Ordinal)
        ? new(request is RecordVisitRequest { OutOfHours: true } ? Operation.RecordOutOfHoursVisit : Operation.WriteRecord)
        : throw new RpcException(new Status(StatusCode.PermissionDenied, "This call is not open to any role."));

    private static Caller CallerOf(ServerCallContext context) =>
        CallerClaims.From(context.GetHttpContext().User, context.RequestHeaders.GetValue(ReasonHeader))
        ?? throw new RpcException(new Status(StatusCode.PermissionDenied, CallerClaims.NoKnownRole));

    /// <summary>The team id a request names, checked as the services check it (trimmed; malformed: INVALID_ARGUMENT).</summary>
    private static string? TeamIdField(IMessage request) => request.Descriptor.FindFieldByName("team_id") is { } field
        ? Ids.Parse(field.Accessor.GetValue(request) as string, "team_id")
        : null;

    private static string Name(Google.Protobuf.Reflection.ServiceDescriptor service, string method) => $"/{service.FullName}/{method}";
}
