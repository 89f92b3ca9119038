using System.Collections.Immutable;
using System.Globalization;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Grpc.Core;
using Planning = Buurtzorg.Domain.Planning;

namespace Buurtzorg.Api;

public sealed class PlanningApi(IGrainFactory grains) : PlanningService.PlanningServiceBase
{
    private ITeamDayGrain Day(string teamId, string day) =>
        grains.GetGrain<ITeamDayGrain>(ITeamDayGrain.KeyOf(Ids.Parse(teamId, "team_id"), Wire.Date(day, "day")));

    public override async Task<GetVisitsDueResponse> GetVisitsDue(GetVisitsDueRequest request, ServerCallContext context)
    {
        var response = new GetVisitsDueResponse();
        response.Visits.AddRange((await Day(request.TeamId, request.Day).VisitsDue()).Select(ToProto));
        return response;
    }

    public override async Task<ReviewDayResponse> ReviewDay(ReviewDayRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        return new ReviewDayResponse { Plan = ToProto(await Day(request.TeamId, request.Day).Review(requestId)) };
    }

    public override async Task<ReassignVisitResponse> ReassignVisit(ReassignVisitRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var day = Day(request.TeamId, request.Day);
        var plan = await day.Reassign(requestId, Ids.Parse(request.VisitId, "visit_id"), Ids.Parse(request.NurseId, "nurse_id"));
        return new ReassignVisitResponse { Plan = ToProto(plan) };
    }

    public override async Task<GetDayPlanResponse> GetDayPlan(GetDayPlanRequest request, ServerCallContext context) =>
        new() { Plan = ToProto(await Day(request.TeamId, request.Day).Get()) };

    private static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static V1.DueVisit ToProto(Planning.DueVisit visit)
    {
        var proto = new V1.DueVisit
        {
            VisitId = visit.VisitId,
            ClientId = visit.ClientId,
            Day = Wire.Date(visit.Day),
            TimeWindow = Wire.ToProto<V1.TimeWindow>(visit.Window),
            WindowStart = Time(visit.WindowStart),
            WindowEnd = Time(visit.WindowEnd),
            DurationMinutes = visit.DurationMinutes,
            CarriedOver = visit.IsCarriedOver,
            FromNightCall = visit.Care.Exists(c => c.Origin == Planning.DueOrigin.NightCall),
        };
        proto.Skills.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(visit.Skills));
        return proto;
    }

    private static V1.DayPlan ToProto(Planning.DayPlan plan)
    {
        var proto = new V1.DayPlan { TeamId = plan.TeamId, Day = Wire.Date(plan.Day) };
        if (plan.NamedNurseShare is { } named) proto.NamedNurseShare = named;
        if (plan.DirectCareShare is { } direct) proto.DirectCareShare = direct;
        proto.Assigned.AddRange(plan.Assigned.Select(v => new V1.PlannedVisit
        {
            Visit = ToProto(v.Visit),
            NurseId = v.NurseId,
            Start = Time(v.Start),
            Match = Wire.ToProto<V1.ContinuityMatch>(v.Match),
        }));
        proto.Unassigned.AddRange(plan.Unassigned.Select(v => new V1.UnassignedVisit
        {
            Visit = ToProto(v.Visit),
            Reason = Wire.ToProto<V1.UnassignedReason>(v.Reason),
            Explanation = Planning.UnassignedReasons.Explain(v.Reason),
        }));
        proto.Nurses.AddRange(plan.Nurses.Select(n =>
        {
            var day = new V1.NurseDay { NurseId = n.NurseId, MinutesOnDuty = n.DutyMinutes, PlannedMinutes = n.PlannedMinutes, VisitMinutes = n.VisitMinutes, Visits = n.Visits };
            if (n.DirectCareShare is { } share) day.DirectCareShare = share;
            return day;
        }));
        proto.Changes.AddRange(plan.Changes.Select(c => new V1.PlanChange
        {
            VisitId = c.VisitId,
            FromNurseId = c.FromNurseId ?? "",
            ToNurseId = c.ToNurseId,
            Start = Time(c.Start),
            ChangedBy = c.By,
            ChangedAt = Wire.Instant(c.At),
        }));
        return proto;
    }
}
