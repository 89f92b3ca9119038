using System.Collections.Immutable;
using System.Globalization;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Planning = Buurtzorg.Domain.Planning;

namespace Buurtzorg.Api;

internal sealed class PlanningApi(IGrainFactory grains, CareClock clock, CallerSeal seal) : PlanningService.PlanningServiceBase
{
    /// <summary>A nurse's day is read from a week back (writing up a round late) to the planning horizon ahead.</summary>
    public const int MyDayDaysBack = 7;

    public const int MyDayDaysAhead = Planning.DayPlanner.MaxDaysAhead;

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

    /// <summary>The token's nurse on the token's team: the team grain's members decide (the grains refuse a leaver).</summary>
    public override async Task<GetMyDayResponse> GetMyDay(GetMyDayRequest request, ServerCallContext context)
    {
        var today = clock.Today;
        var day = Wire.DateOr(request.Day, "day", today);
        if (day < today.AddDays(-MyDayDaysBack) || day > today.AddDays(MyDayDaysAhead))
            throw CareRuleException.Invalid($"day must lie between {MyDayDaysBack} days back and {MyDayDaysAhead} days ahead.");
        if (seal.Current() is not { Role: Role.Nurse } nurse)
            throw new CareRuleException(RuleViolation.PermissionDenied, "Only a nurse has a day of visits.", "PERMISSION_DENIED");
        if (nurse.TeamId is not { } teamId)
            throw CareRuleException.Precondition("You are on no team yet, so no visits are planned for you: join a team first.", "NO_TEAM");
        var mine = await grains.GetGrain<ITeamDayGrain>(ITeamDayGrain.KeyOf(teamId, day)).MyDay();
        var sheets = mine.Clients.ToDictionary(c => c.ClientId, StringComparer.Ordinal);
        var response = new GetMyDayResponse
        {
            NurseId = mine.NurseId,
            TeamId = mine.TeamId,
            Day = Wire.Date(mine.Day),
            VisitMinutes = mine.Visits.Sum(v => v.Visit.DurationMinutes),
        };
        response.Visits.AddRange(mine.Visits.Select(v => ToProto(v, sheets.GetValueOrDefault(v.Visit.ClientId))));
        response.Clients.AddRange(mine.Visits.Select(v => v.Visit.ClientId).Distinct(StringComparer.Ordinal)
            .Select(sheets.GetValueOrDefault).OfType<ClientSheet>().Select(s => ToProto(s, mine.Day)));
        return response;
    }

    private static MyVisit ToProto(Planning.PlannedVisit visit, ClientSheet? sheet)
    {
        var proto = new MyVisit { Planned = ToProto(visit), End = Time(visit.End), OnCaseload = sheet is not null };
        var care = visit.Visit.Care.Select(c => c.InterventionId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (sheet is not null) proto.Interventions.AddRange(sheet.Interventions.Where(i => care.Contains(i.InterventionId)).Select(i => i.ToProto()));
        return proto;
    }

    private static DayClient ToProto(ClientSheet sheet, DateOnly day)
    {
        var proto = new DayClient { ClientId = sheet.ClientId, Review = Review(sheet, day) };
        if (sheet.Details is { } details)
        {
            proto.DisplayName = $"{details.GivenName} {details.FamilyName}";
            (proto.AddressLine, proto.Postcode, proto.Phone) = (details.AddressLine, details.Postcode.Value, details.Phone ?? "");
            proto.Age = ClientCard.Age(details.DateOfBirth, day);
        }
        proto.AccessContacts.AddRange(sheet.AccessContacts.Select(m => m.ToProto()));
        if (sheet.LatestNote is { } note) proto.LatestNote = note.ToProto();
        return proto;
    }

    private static CarePlanReview Review(ClientSheet sheet, DateOnly day) => new()
    {
        State = sheet.NextReviewOn switch
        {
            null => ReviewState.NotScheduled,
            var due when due < day => ReviewState.Overdue,
            var due when due == day => ReviewState.Due,
            _ => ReviewState.Scheduled,
        },
        NextReviewDate = Wire.Date(sheet.NextReviewOn),
        ReablementEndsDate = Wire.Date(sheet.ReablementEndsOn),
    };

    private static string Time(TimeOnly time) => Wire.Time(time);

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

    private static V1.PlannedVisit ToProto(Planning.PlannedVisit visit) => new()
    {
        Visit = ToProto(visit.Visit),
        NurseId = visit.NurseId,
        Start = Time(visit.Start),
        Match = Wire.ToProto<V1.ContinuityMatch>(visit.Match),
    };

    private static V1.DayPlan ToProto(Planning.DayPlan plan)
    {
        var proto = new V1.DayPlan { TeamId = plan.TeamId, Day = Wire.Date(plan.Day) };
        if (plan.NamedNurseShare is { } named) proto.NamedNurseShare = named;
        if (plan.DirectCareShare is { } direct) proto.DirectCareShare = direct;
        proto.Assigned.AddRange(plan.Assigned.Select(ToProto));
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
