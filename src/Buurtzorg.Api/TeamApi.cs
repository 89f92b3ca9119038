using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Grpc.Core;

namespace Buurtzorg.Api;

internal sealed class TeamApi(IGrainFactory grains, CareClock clock) : TeamService.TeamServiceBase
{
    private DateOnly Today => clock.Today;

    private ITeamGrain Team(string teamId) => grains.GetGrain<ITeamGrain>(Ids.Parse(teamId, "team_id"));


    public override async Task<ApplyTeamResponse> ApplyTeam(ApplyTeamRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var command = new ApplyTeamCommand(
            Text.Required(request.Name, "Team name"),
            Wire.Bounded(request.Footprint, "footprint", 50).Select(PostcodeArea.Parse).ToList(),
            Wire.Bounded(request.GpPractices, "gp_practices", 50).ToList(),
            request.CapacityPolicy is null ? null : TeamMapping.FromProto(request.CapacityPolicy));
        var team = await grains.GetGrain<ITeamGrain>(Ids.Derive("team", requestId)).Apply(requestId, command);
        return new ApplyTeamResponse { Team = team.ToProto(Today) };
    }

    public override async Task<ApproveTeamResponse> ApproveTeam(ApproveTeamRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        return new ApproveTeamResponse { Team = (await Team(request.TeamId).Approve(requestId)).ToProto(Today) };
    }

    public override async Task<CloseTeamResponse> CloseTeam(CloseTeamRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        return new CloseTeamResponse { Team = (await Team(request.TeamId).Close(requestId)).ToProto(Today) };
    }

    public override async Task<GetTeamResponse> GetTeam(GetTeamRequest request, ServerCallContext context) =>
        new() { Team = (await Team(request.TeamId).Get()).ToProto(Today) };

    public override async Task<JoinTeamResponse> JoinTeam(JoinTeamRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(request.TeamId);
        var nurseId = Ids.Parse(request.NurseId, "nurse_id");
        return new JoinTeamResponse { Team = (await team.Join(requestId, nurseId)).ToProto(Today) };
    }

    public override async Task<LeaveTeamResponse> LeaveTeam(LeaveTeamRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(request.TeamId);
        var (after, departure) = await team.Leave(requestId, Ids.Parse(request.NurseId, "nurse_id"));
        var response = new LeaveTeamResponse { Team = after.ToProto(Today) };
        response.Handovers.AddRange(departure.Handovers.Select(h => h.ToProto()));
        return response;
    }

    public override async Task<SetCapacityPolicyResponse> SetCapacityPolicy(SetCapacityPolicyRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(request.TeamId);
        if (request.CapacityPolicy is null) throw CareRuleException.Invalid("capacity_policy is required.");
        var policy = TeamMapping.FromProto(request.CapacityPolicy);
        return new SetCapacityPolicyResponse { Team = (await team.SetPolicy(requestId, policy)).ToProto(Today) };
    }

    /// <summary>
    /// One page from the team (each client with the card its record last reported) and each client's next visit from
    /// the reviewed plans of today and tomorrow: three grains, whatever the caseload's size; no client record is asked.
    /// </summary>
    public override async Task<GetCaseloadResponse> GetCaseload(GetCaseloadRequest request, ServerCallContext context)
    {
        var teamId = Ids.Parse(request.TeamId, "team_id");
        var size = Paging.Size(request.PageSize, DefaultCaseloadPage, MaxCaseloadPage);
        var after = Paging.Cursor(request.PageToken, CaseloadList);
        var (now, today) = (clock.LocalNow, clock.Today);
        var caseload = Team(teamId).Caseload(after, size);
        var laterToday = Day(teamId, today).NextVisits(TimeOnly.FromDateTime(now.DateTime));
        var tomorrow = Day(teamId, today.AddDays(1)).NextVisits(TimeOnly.MinValue);
        await Task.WhenAll(caseload, laterToday, tomorrow);
        var next = new Dictionary<string, Domain.Planning.PlannedVisit>(StringComparer.Ordinal);
        foreach (var visit in tomorrow.Result.Concat(laterToday.Result)) next[visit.Visit.ClientId] = visit; // today's wins
        var page = caseload.Result;
        var response = new GetCaseloadResponse
        {
            Capacity = page.Capacity,
            Total = page.Page.Total,
            NextPageToken = Paging.Token(page.Page.Next, CaseloadList),
        };
        response.Entries.AddRange(page.Page.Items.Select(i => i.ToProto(today, next.GetValueOrDefault(i.Entry.ClientId))));
        return response;
    }

    private const string CaseloadList = "caseload";
    private const int DefaultCaseloadPage = 100;
    private const int MaxCaseloadPage = 200;

    private ITeamDayGrain Day(string teamId, DateOnly day) => grains.GetGrain<ITeamDayGrain>(ITeamDayGrain.KeyOf(teamId, day));

    public override async Task<GetContinuityResponse> GetContinuity(GetContinuityRequest request, ServerCallContext context)
    {
        var continuity = await Team(request.TeamId).Continuity();
        var response = new GetContinuityResponse();
        if (continuity.MedianUpc is { } upc) response.MedianUpc = upc;
        if (continuity.MedianCoc is { } coc) response.MedianCoc = coc;
        response.Clients.AddRange(continuity.Clients.Select(c =>
        {
            var client = new V1.ClientContinuity { ClientId = c.ClientId, NamedNurseId = c.NamedNurseId, Visits = c.Visits };
            if (c.Upc is { } u) client.Upc = u;
            if (c.Coc is { } k) client.Coc = k;
            if (c.NamedNurseShare is { } s) client.NamedNurseShare = s;
            return client;
        }));
        return response;
    }
}
