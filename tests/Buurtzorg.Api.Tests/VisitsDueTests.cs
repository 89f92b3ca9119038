using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// The visits due, as the team's app lists them (<c>PlanningService/GetVisitsDue</c>) and plans them
/// (<c>ReviewDay</c>), with the care rules' clock set to the story's hours. Times are kept an hour or more away from
/// every window's edge, so the stories read the same on the organisation's local clock in summer and in winter.
/// </summary>
public sealed class VisitsDueTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();
    private readonly Dictionary<string, string> _ulcers = [];

    private void ClockAt(DateOnly day, int hour, int minute = 0) =>
        host.Services.GetRequiredService<CareClock>().Set(At(day, hour, minute));

    private static DateTimeOffset At(DateOnly day, int hour, int minute = 0) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    private static VisitFrequency Daily => new() { Times = 1, Period = FrequencyPeriod.Day };

    private static VisitFrequency Weekly => new() { Times = 1, Period = FrequencyPeriod.Week };

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly DaysAhead(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days);

    /// <summary>Care for the client's leg ulcer (the problem noted with the first care added).</summary>
    private async Task AddCare(
        CaseloadEntry client, VisitFrequency frequency, TimeWindow window, int minutes, int count = 1)
    {
        var problemId = _ulcers.TryGetValue(client.ClientId, out var known) ? known
            : _ulcers[client.ClientId] = (await _app.AddSkinProblem(client, "leg ulcer")).ProblemId;
        for (var i = 0; i < count; i++)
        {
            await _app.AddWoundCare(client, problemId, window, minutes, frequency);
        }
    }

    private static async Task<List<DueVisit>> DueOf(TeamApp planner, string teamId, DateOnly day, string clientId) =>
        [.. (await VisitsDue(planner, teamId, day)).Where(v => v.ClientId == clientId)];

    private static async Task<IList<DueVisit>> VisitsDue(TeamApp planner, string teamId, DateOnly day) =>
        (await planner.Planning.GetVisitsDueAsync(new GetVisitsDueRequest { TeamId = teamId, Day = Date(day) })).Visits;

    [Fact]
    public async Task A_once_a_week_afternoon_visit_is_carried_over_to_the_next_day_only_once_its_window_has_closed()
    {
        var monday = DaysAhead(40);
        ClockAt(monday, 10);
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        await AddCare(client, Weekly, TimeWindow.Afternoon, 30);
        var planner = _app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));

        // Mid-afternoon the visit is due today, and tomorrow's list carries nothing over while today's window is open.
        ClockAt(monday, 15);
        Assert.False(Assert.Single(await DueOf(planner, team.TeamId, monday, client.ClientId)).CarriedOver);
        Assert.Empty(await DueOf(planner, team.TeamId, monday.AddDays(1), client.ClientId));

        // Nobody went: after the window closes, tomorrow lists it as carried over.
        ClockAt(monday, 18);
        Assert.True(Assert.Single(await DueOf(planner, team.TeamId, monday.AddDays(1), client.ClientId)).CarriedOver);

        // Each morning of the rest of the week: nothing more, until the next week's visit.
        for (var day = monday.AddDays(2); day <= monday.AddDays(6); day = day.AddDays(1))
        {
            ClockAt(day, 6);
            Assert.Empty(await DueOf(planner, team.TeamId, day, client.ClientId));
        }
        ClockAt(monday.AddDays(7), 6);
        Assert.False(Assert.Single(await DueOf(planner, team.TeamId, monday.AddDays(7), client.ClientId)).CarriedOver);
    }

    [Fact]
    public async Task Many_small_interventions_of_one_client_become_visits_a_nurse_can_take()
    {
        var day = DaysAhead(50);
        ClockAt(day.AddDays(-1), 10);
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        await AddCare(client, Daily, TimeWindow.Morning, 30, count: 7);
        var planner = _app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));

        var visits = await DueOf(planner, team.TeamId, day, client.ClientId);

        Assert.Equal([90, 90, 30], visits.Select(v => v.DurationMinutes).OrderDescending());
    }

    [Fact]
    public async Task GetVisitsDue_lists_exactly_the_visits_ReviewDay_plans_the_nights_next_day_visit_included()
    {
        var night = DaysAhead(60);
        var morning = night.AddDays(1);

        // The day before the night: two clients, daily morning care; one also has weekly afternoon care, due that day.
        ClockAt(night, 10);
        var team = await _app.TeamWithNurses(3);
        var first = await _app.Admitted(team.TeamId);
        var second = await _app.Admitted(team.TeamId);
        await AddCare(first, Daily, TimeWindow.Morning, 30);
        await AddCare(second, Daily, TimeWindow.Morning, 30);
        await AddCare(second, Weekly, TimeWindow.Afternoon, 45);
        var onCall = first.NamedNurseId;
        var nurse = _app.As(new Caller(onCall, Role.Nurse, team.TeamId));
        ClockAt(night, 19);
        await nurse.OnCall.SetOnCallAsync(new SetOnCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            Night = Date(night),
            NurseId = onCall,
        });

        // Early next morning the on-call nurse logs a call that added a visit for the first client.
        ClockAt(morning, 6, 30);
        await nurse.OnCall.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = first.ClientId,
            At = Timestamp.FromDateTimeOffset(At(night, 22, 30)),
            Outcome = TriageOutcome.NextDayVisitAdded,
            Note = "Dressing came loose; will see first thing.",
            NextDayWindow = TimeWindow.Morning,
            NextDayDurationMinutes = 20,
        });

        var due = await VisitsDue(nurse, team.TeamId, morning);
        var plan = (await nurse.Planning.ReviewDayAsync(
            new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(morning) })).Plan;

        var planned = plan.Assigned.Select(p => p.Visit.VisitId).Concat(plan.Unassigned.Select(u => u.Visit.VisitId));
        Assert.Equal(due.Select(v => v.VisitId).Order(StringComparer.Ordinal), planned.Order(StringComparer.Ordinal));
        Assert.Equal(due.Count, due.Select(v => v.VisitId).Distinct().Count());
        Assert.Single(due, v => v.FromNightCall && v.ClientId == first.ClientId);
        Assert.Single(due, v => v.CarriedOver && v.ClientId == second.ClientId);
        Assert.Equal(4, due.Count);
    }
}
