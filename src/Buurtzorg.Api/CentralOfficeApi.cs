using System.Globalization;
using Buurtzorg.Api.CentralOffice;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Grpc.Core;
using Office = Buurtzorg.Domain.CentralOffice;

namespace Buurtzorg.Api;

/// <summary>The central office's figures: every call is one call to the organisation grain, never to a team.</summary>
internal sealed class CentralOfficeApi(IGrainFactory grains) : CentralOfficeService.CentralOfficeServiceBase
{
    private IOrganisationGrain Organisation => grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);

    public override async Task<GetOverviewResponse> GetOverview(GetOverviewRequest request, ServerCallContext context)
    {
        var overview = await Organisation.Overview();
        var response = new GetOverviewResponse { Organisation = overview.Organisation.ToProto(), AsOf = Wire.Instant(overview.AsOf) };
        response.Regions.AddRange(overview.Regions.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<ListTeamsResponse> ListTeams(ListTeamsRequest request, ServerCallContext context)
    {
        var size = request.PageSize == 0 ? 50 : request.PageSize;
        if (size is < 1 or > 1000) throw CareRuleException.Invalid("page_size is 1 to 1000.");
        var offset = request.PageToken.Length == 0 ? 0
            : int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
            : throw CareRuleException.Invalid("page_token is not one this service gave.");
        var sortBy = request.SortBy.Length == 0 ? "name" : request.SortBy;
        var alert = Wire.OptionalEnum<Office.AlertKind>((int)request.Alert, "alert");
        var page = await Organisation.Teams(new TeamQuery(sortBy, request.Descending, offset, size, request.Region.Length == 0 ? null : request.Region, alert));
        var response = new ListTeamsResponse
        {
            Total = page.Total,
            NextPageToken = offset + page.Rows.Count < page.Total ? (offset + page.Rows.Count).ToString(CultureInfo.InvariantCulture) : "",
        };
        response.Teams.AddRange(page.Rows.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<GetTeamFiguresResponse> GetTeamFigures(GetTeamFiguresRequest request, ServerCallContext context)
    {
        var teamId = Ids.Parse(request.TeamId, "team_id");
        var days = request.Days == 0 ? 28 : request.Days;
        if (days is < 0 or > ITeamHistoryGrain.DaysKept) throw CareRuleException.Invalid($"days is 0 to {ITeamHistoryGrain.DaysKept}.");
        var row = await Organisation.Team(teamId) ?? throw CareRuleException.NotFound("No team has published figures under this id.");
        var history = await grains.GetGrain<ITeamHistoryGrain>(teamId).Days(days);
        var response = new GetTeamFiguresResponse { Figures = row.ToProto() };
        response.History.AddRange(history.Select(d => new V1.DayFigures
        {
            Day = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Figures = new TeamRow(d.Figures, row.Region, []).ToProto(),
        }));
        return response;
    }

    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var response = new ListAlertsResponse();
        response.Alerts.AddRange((await Organisation.Alerts(request.Region.Length == 0 ? null : request.Region)).Select(a => a.ToProto()));
        return response;
    }

    public override async Task<AssignRegionResponse> AssignRegion(AssignRegionRequest request, ServerCallContext context) =>
        new() { Team = (await Organisation.AssignRegion(Ids.Parse(request.TeamId, "team_id"), request.Region)).ToProto() };

    public override async Task WatchChanges(WatchChangesRequest request, IServerStreamWriter<WatchChangesResponse> responseStream, ServerCallContext context)
    {
        await foreach (var change in OrganisationWatch.Follow(grains, context.CancellationToken))
        {
            var message = new WatchChangesResponse { Snapshot = change.Snapshot, Organisation = change.Overview.Organisation.ToProto() };
            message.Teams.AddRange(change.Teams.Select(t => t.ToProto()));
            message.Raised.AddRange(change.Raised.Select(a => a.ToProto()));
            message.Cleared.AddRange(change.Cleared.Select(a => a.ToProto()));
            await responseStream.WriteAsync(message, context.CancellationToken);
        }
    }
}

internal static class CentralOfficeMapping
{
    public static TeamFigures ToProto(this TeamRow row)
    {
        var f = row.Figures;
        var proto = new TeamFigures
        {
            TeamId = f.TeamId,
            Name = f.Name,
            Status = Wire.ToProto<TeamStatus>(f.Status),
            Region = row.Region,
            Caseload = f.Caseload,
            Capacity = f.Capacity,
            Members = f.Members,
            FullTimeEquivalents = f.FullTimeEquivalents,
            ReferralsWaiting = f.ReferralsWaiting,
            Last7Days = f.Last7Days.ToProto(),
            Last28Days = f.Last28Days.ToProto(),
            ReviewsOverdue = f.ReviewsOverdue,
            OnCallCalls = f.OnCallCalls,
            AsOf = Wire.Instant(f.AsOf),
        };
        if (f.ClientsPerFte is { } perFte) proto.ClientsPerFte = perFte;
        if (f.OutcomeChange28Days is { } shift)
            proto.OutcomeChange28Days = new OutcomeChange { Discharges = shift.Discharges, Problems = shift.Problems, Knowledge = shift.Knowledge, Behaviour = shift.Behaviour, Status = shift.Status };
        if (f.OldestWaitDays is { } wait) proto.OldestWaitDays = wait;
        if (f.MedianUpc is { } upc) proto.MedianUpc = upc;
        if (f.MedianCoc is { } coc) proto.MedianCoc = coc;
        if (f.DirectCareShare is { } share) proto.DirectCareShare = share;
        proto.Alerts.AddRange(row.Alerts.Select(a => a.ToProto()));
        return proto;
    }

    public static PeriodCounts ToProto(this Office.PeriodCounts counts)
    {
        var proto = new PeriodCounts { Admissions = counts.Admissions, Declines = counts.Declines, Discharges = counts.Discharges };
        proto.DeclinesByReason.Add(counts.DeclinesByReason);
        return proto;
    }

    public static Alert ToProto(this Office.Alert alert) => new()
    {
        TeamId = alert.TeamId,
        Kind = Wire.ToProto<AlertKind>(alert.Kind),
        Message = alert.Message,
        RaisedAt = Wire.Instant(alert.RaisedAt),
    };

    public static Totals ToProto(this Office.OrganisationTotals t)
    {
        var proto = new Totals
        {
            Region = t.Region,
            Teams = t.Teams,
            ActiveTeams = t.ActiveTeams,
            Caseload = t.Caseload,
            Capacity = t.Capacity,
            Members = t.Members,
            FullTimeEquivalents = t.FullTimeEquivalents,
            ReferralsWaiting = t.ReferralsWaiting,
            Last7Days = t.Last7Days.ToProto(),
            Last28Days = t.Last28Days.ToProto(),
            ReviewsOverdue = t.ReviewsOverdue,
            OnCallCalls = t.OnCallCalls,
            TeamsWithAlerts = t.TeamsWithAlerts,
            OpenAlerts = t.OpenAlerts,
        };
        if (t.MedianUpc is { } upc) proto.MedianUpc = upc;
        if (t.MedianCoc is { } coc) proto.MedianCoc = coc;
        if (t.MedianDirectCareShare is { } share) proto.MedianDirectCareShare = share;
        return proto;
    }
}
