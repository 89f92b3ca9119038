using System.Collections.Immutable;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Grpc.Core;
using OnCall = Buurtzorg.Domain.OnCall;

namespace Buurtzorg.Api;

internal sealed class OnCallApi(IGrainFactory grains, CareClock clock) : OnCallService.OnCallServiceBase
{
    private IOnCallGrain Team(string teamId) => grains.GetGrain<IOnCallGrain>(Ids.Parse(teamId, "team_id"));

    public override async Task<SetOnCallResponse> SetOnCall(SetOnCallRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(request.TeamId);
        var shift = await team.AssignNight(requestId, Wire.Date(request.Night, "night"), Ids.Parse(request.NurseId, "nurse_id"));
        return new SetOnCallResponse { Night = new OnCallNight { Night = Wire.Date(shift.Night), NurseId = shift.NurseId } };
    }

    public override async Task<GetRotaResponse> GetRota(GetRotaRequest request, ServerCallContext context)
    {
        var team = Team(request.TeamId);
        var rota = await team.Rota(Wire.Date(request.FromNight, "from_night"), Wire.Date(request.ToNight, "to_night"));
        var response = new GetRotaResponse();
        response.Nights.AddRange(rota.Select(s => new OnCallNight { Night = Wire.Date(s.Night), NurseId = s.NurseId }));
        return response;
    }

    public override async Task<LogCallResponse> LogCall(LogCallRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(request.TeamId);
        var outcome = Wire.Enum<OnCall.TriageOutcome>((int)request.Outcome, "outcome");
        OnCall.NextDayVisitRequest? nextDay = outcome == OnCall.TriageOutcome.NextDayVisitAdded
            ? new OnCall.NextDayVisitRequest(
                Wire.OptionalEnum<Domain.Records.TimeWindow>((int)request.NextDayWindow, "next_day_window") ?? Domain.Records.TimeWindow.Morning,
                request.NextDayDurationMinutes == 0 ? 30 : request.NextDayDurationMinutes, [])
            : null;
        var at = Wire.Instant(request.At, "at", clock);
        var command = new LogCallCommand(Ids.Parse(request.ClientId, "client_id"), at, outcome,
            Text.Required(request.Note, "The call note", OnCall.CallLogEntry.NoteMax, multiline: true), nextDay);
        return new LogCallResponse { Call = ToProto(await team.LogCall(requestId, command)) };
    }

    public override async Task<RecordOutOfHoursVisitResponse> RecordOutOfHoursVisit(RecordOutOfHoursVisitRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new RecordOutOfHoursVisitResponse { Visit = write.Visit?.ToProto() };
    }

    internal RecordCall Entry(RecordOutOfHoursVisitRequest request)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var client = grains.GetGrain<IClientGrain>(Ids.Parse(request.ClientId, "client_id"));
        var nurseId = Ids.Parse(request.NurseId, "nurse_id");
        var id = Ids.Derive("visit", requestId);
        var note = Text.Optional(request.Note, "Visit note", Text.NoteMax, multiline: true);
        var start = Wire.Instant(request.Start, "start", clock);
        return new(client, new VisitRecorded(id, clock.LocalNow, nurseId, id, nurseId, start, request.DurationMinutes,
            request.DirectCareMinutes, [], note, OutOfHours: true));
    }

    public override async Task<ListCallsResponse> ListCalls(ListCallsRequest request, ServerCallContext context)
    {
        var team = Team(request.TeamId);
        var night = Wire.Date(request.Night, "night");
        var size = Paging.Size(request.PageSize, 100, 200);
        var list = $"calls{night.DayNumber}";
        var after = Paging.Cursor(request.PageToken, list);
        var review = await team.Review(night);
        // Paged here: the review is bounded by one night's calls and the caseload, and the day planner needs it whole.
        var page = Pages.Of(review.Clients, c => new ListCursor(0, c.ClientId), after, size);
        var response = new ListCallsResponse
        {
            Night = Wire.Date(review.Night),
            OnCallNurseId = review.OnCallNurseId ?? "",
            NextPageToken = Paging.Token(page.Next, list),
        };
        response.Clients.AddRange(page.Items.Select(c =>
        {
            var night = new V1.ClientNight { ClientId = c.ClientId };
            night.Calls.AddRange(c.Calls.Select(ToProto));
            night.OutOfHoursVisits.AddRange(c.OutOfHoursVisits.Select(v => new V1.Visit
            {
                VisitId = v.Visit.VisitId,
                NurseId = v.Visit.NurseId,
                Start = Wire.Instant(v.Visit.Start),
                DurationMinutes = v.Visit.DurationMinutes,
                OutOfHours = true,
            }));
            return night;
        }));
        return response;
    }

    private static Call ToProto(OnCall.CallLogEntry call) => new()
    {
        CallId = call.CallId,
        At = Wire.Instant(call.At),
        Night = Wire.Date(call.Night),
        ClientId = call.ClientId,
        NurseId = call.NurseId,
        Outcome = Wire.ToProto<V1.TriageOutcome>(call.Outcome),
        Note = call.Note,
    };
}
