using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A team's night and next day through PlanningService and OnCallService, on the care rules' clock set to the story's
/// hours on the London wall clock, in British Summer Time: the day still starts at 08:00 local.
/// </summary>
public sealed class TeamDayTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.Start(TestKeys.Arguments);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CareClock Clock => _host.Services.GetRequiredService<CareClock>();

    private void ClockAt(DateOnly day, int hour, int minute = 0) => Clock.SetLocal(day.ToDateTime(new TimeOnly(hour, minute)));

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Timestamp At(DateOnly day, int hour, int minute = 0) =>
        Timestamp.FromDateTimeOffset(Clock.AtLocal(day.ToDateTime(new TimeOnly(hour, minute))));

    [Fact]
    public async Task A_nights_calls_and_out_of_hours_visit_reach_the_record_and_the_next_days_plan()
    {
        var night = new DateOnly(2026, 7, 1);
        var morning = night.AddDays(1);
        var app = _host.App();

        // The day before: a team of four, three clients with daily morning wound care.
        ClockAt(night.AddDays(-1), 10);
        var team = await app.TeamWithNurses(4);
        var clients = new List<CaseloadEntry>();
        for (var i = 0; i < 3; i++)
        {
            var client = await app.Admitted(team.TeamId);
            clients.Add(client);
            var problem = await app.AddSkinProblem(client, "leg ulcer");
            await app.AddWoundCare(client, problem.ProblemId);
        }
        var onCall = clients[0].NamedNurseId;
        var onLeave = team.Members.Select(m => m.NurseId).First(n => n != onCall && clients.All(c => c.NamedNurseId != n));
        var oohNurse = await app.RegisterNurse();

        // Evening: the team puts a nurse on call; another is on leave tomorrow.
        ClockAt(night, 19);
        var onCallClient = app.As(new Caller(onCall, Role.Nurse, team.TeamId)).OnCall;
        await onCallClient.SetOnCallAsync(new SetOnCallRequest { RequestId = NewRequest(), TeamId = team.TeamId, Night = Date(night), NurseId = onCall });
        await app.Nurses.AddLeavePeriodAsync(new AddLeavePeriodRequest { RequestId = NewRequest(), NurseId = onLeave, Period = new LeavePeriod { StartDate = Date(morning), EndDate = Date(morning) } });

        // The night, logged next morning before the day starts: three calls and an out-of-hours visit.
        ClockAt(morning, 7, 30);
        await onCallClient.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = clients[0].ClientId,
            At = At(night, 22, 30),
            Outcome = TriageOutcome.NextDayVisitAdded,
            Note = "Dressing came loose; will see first thing.",
            NextDayWindow = TimeWindow.Morning,
            NextDayDurationMinutes = 20,
        });
        await onCallClient.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = clients[1].ClientId,
            At = At(night, 23, 0),
            Outcome = TriageOutcome.OutOfHoursVisitRequested,
            Note = "Pain not settling.",
        });
        var stranger = await Assert.ThrowsAsync<RpcException>(() => onCallClient.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = "c-0000000000000000",
            At = At(night, 23, 30),
            Outcome = TriageOutcome.AdviceGiven,
            Note = "Not ours.",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stranger.StatusCode);
        var ooh = app.As(new Caller(oohNurse.NurseId, Role.OutOfHours, null), "Requested by the on-call nurse").OnCall;
        var visit = (await ooh.RecordOutOfHoursVisitAsync(new RecordOutOfHoursVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = clients[1].ClientId,
            NurseId = oohNurse.NurseId,
            Start = At(night, 23, 40),
            DurationMinutes = 25,
            DirectCareMinutes = 20,
            Note = "Analgesia given; settled.",
        })).Visit;
        Assert.True(visit.OutOfHours);

        var calls = await onCallClient.ListCallsAsync(new ListCallsRequest { TeamId = team.TeamId, Night = Date(night) });
        Assert.Equal(onCall, calls.OnCallNurseId);
        Assert.Equal(2, calls.Clients.Sum(c => c.Calls.Count));
        Assert.Equal(visit.VisitId, Assert.Single(calls.Clients.Single(c => c.ClientId == clients[1].ClientId).OutOfHoursVisits).VisitId);
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = clients[1].ClientId })).Record;
        Assert.Contains(record.Visits, v => v.VisitId == visit.VisitId && v.OutOfHours);

        // The morning review: every due visit planned or listed with a reason, the night's extra visit included.
        var reviewer = team.Members.Select(m => m.NurseId).First(n => n != onLeave);
        var planner = app.As(new Caller(reviewer, Role.Nurse, team.TeamId)).Planning;
        var due = (await planner.GetVisitsDueAsync(new GetVisitsDueRequest { TeamId = team.TeamId, Day = Date(morning) })).Visits;
        Assert.Equal(3, due.Count(v => !v.FromNightCall));
        var plan = (await planner.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(morning) })).Plan;
        Assert.Equal(4, plan.Assigned.Count + plan.Unassigned.Count);
        Assert.Contains(plan.Assigned.Concat(plan.Unassigned.Select(u => new PlannedVisit { Visit = u.Visit })), p => p.Visit.FromNightCall && p.Visit.ClientId == clients[0].ClientId);
        Assert.All(plan.Unassigned, u => Assert.NotEqual(UnassignedReason.Unspecified, u.Reason));
        Assert.DoesNotContain(plan.Assigned, p => p.NurseId == onLeave);
        Assert.All(plan.Nurses, n => Assert.True(n.PlannedMinutes <= n.MinutesOnDuty));

        // The team moves one visit before the day starts; the change is in the plan.
        var moved = plan.Assigned[0];
        var to = plan.Nurses.Select(n => n.NurseId).First(n => n != moved.NurseId && n != onLeave);
        var changed = (await planner.ReassignVisitAsync(new ReassignVisitRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(morning), VisitId = moved.Visit.VisitId, NurseId = to })).Plan;
        Assert.Equal(to, changed.Assigned.Single(p => p.Visit.VisitId == moved.Visit.VisitId).NurseId);
        var change = Assert.Single(changed.Changes);
        Assert.Equal((reviewer, moved.NurseId, to), (change.ChangedBy, change.FromNurseId, change.ToNurseId));
        Assert.Equal(changed, (await planner.GetDayPlanAsync(new GetDayPlanRequest { TeamId = team.TeamId, Day = Date(morning) })).Plan);

        // Once the day has started the plan is fixed.
        ClockAt(morning, 8, 5);
        var late = await Assert.ThrowsAsync<RpcException>(() => planner.ReassignVisitAsync(new ReassignVisitRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            Day = Date(morning),
            VisitId = moved.Visit.VisitId,
            NurseId = moved.NurseId,
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
    }
}
