using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Grpc.Core;
using DomainNurse = Buurtzorg.Domain.Nurses.Nurse;

namespace Buurtzorg.Api;

internal sealed class NurseApi(IGrainFactory grains) : NurseService.NurseServiceBase
{
    private INurseGrain Nurse(string nurseId) => grains.GetGrain<INurseGrain>(Ids.Parse(nurseId, "nurse_id"));

    public override async Task<RegisterNurseResponse> RegisterNurse(RegisterNurseRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var command = new RegisterNurseCommand(
            Text.Required(request.DisplayName, "Display name"),
            Wire.Enum<Domain.Common.NurseRole>((int)request.Role, "role"),
            Wire.Optional(request.NmcPin),
            Wire.Hours(request.ContractedHoursPerWeek, "contracted_hours_per_week"),
            Wire.Enums<Domain.Common.Skill, V1.Skill>(request.Skills, "skills"));
        var nurse = await grains.GetGrain<INurseGrain>(Ids.Derive("nurse", requestId)).Register(requestId, command);
        return new RegisterNurseResponse { Nurse = ToProto(nurse, null) };
    }

    public override async Task<GetNurseResponse> GetNurse(GetNurseRequest request, ServerCallContext context)
    {
        var nurse = await Nurse(request.NurseId).Get();
        var response = new GetNurseResponse();
        if (nurse.TeamId is { } teamId)
        {
            // The team owns assignments; the nurse's view of them is read from it, never copied.
            var team = await grains.GetGrain<ITeamGrain>(teamId).Get();
            response.NamedClientIds.AddRange(team.Caseload.Where(c => c.NamedNurseId == nurse.Id).Select(c => c.ClientId));
            response.BackupClientIds.AddRange(team.Caseload.Where(c => c.BackupNurseId == nurse.Id).Select(c => c.ClientId));
            response.Nurse = ToProto(nurse, team.Member(nurse.Id));
        }
        else
        {
            response.Nurse = ToProto(nurse, null);
        }
        return response;
    }

    public override async Task<AddLeavePeriodResponse> AddLeavePeriod(AddLeavePeriodRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var nurse = await Nurse(request.NurseId).Get();
        var period = TeamMapping.FromProto(request.Period);
        var team = grains.GetGrain<ITeamGrain>(TeamOf(nurse));
        var (after, handovers) = await team.StartLeave(requestId, nurse.Id, period);
        var response = new AddLeavePeriodResponse { Nurse = ToProto(nurse, after.Member(nurse.Id)) };
        response.Handovers.AddRange(handovers.Select(h => h.ToProto()));
        return response;
    }

    public override async Task<EndLeaveResponse> EndLeave(EndLeaveRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var nurse = await Nurse(request.NurseId).Get();
        var after = await grains.GetGrain<ITeamGrain>(TeamOf(nurse)).EndLeave(requestId, nurse.Id);
        return new EndLeaveResponse { Nurse = ToProto(nurse, after.Member(nurse.Id)) };
    }

    private static string TeamOf(DomainNurse nurse) => nurse.TeamId
        ?? throw CareRuleException.Precondition("Leave is planned with a team; the nurse belongs to no team.", "NO_TEAM");

    private static V1.Nurse ToProto(DomainNurse nurse, Domain.Teams.TeamMember? member)
    {
        var proto = new V1.Nurse
        {
            NurseId = nurse.Id,
            DisplayName = nurse.DisplayName,
            Role = Wire.ToProto<V1.NurseRole>(nurse.Role),
            NmcPin = nurse.Pin?.Value ?? "",
            ContractedHoursPerWeek = (double)nurse.HoursPerWeek,
            TeamId = nurse.TeamId ?? "",
            RegisteredAt = Wire.Instant(nurse.RegisteredAt),
        };
        proto.Skills.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(nurse.Skills));
        if (member is not null) proto.Leave.AddRange(member.Leave.Select(l => l.ToProto()));
        return proto;
    }
}
