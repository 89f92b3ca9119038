using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A nurse loads her day in one call (PlanningService/GetMyDay) on the London clock, in British Summer Time: her
/// visits of the team's reviewed plan in order, with what she needs at each door, and one audit line per record read,
/// written together.
/// </summary>
public sealed class MyDayTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 7, 14);

    private readonly CountingAuditTrail _trail = new();
    private ApiHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ApiHost.Start(TestKeys.Arguments, builder => builder.Services.AddSingleton<IAuditTrail>(_trail));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CareClock Clock => _host.Services.GetRequiredService<CareClock>();

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A team of three, five clients with morning or afternoon wound care, and the day reviewed at 07:00.</summary>
    private async Task<(Team Team, List<CaseloadEntry> Clients, DayPlan Plan)> ReviewedDay(TeamApp app)
    {
        Clock.SetLocal(Today.AddDays(-1).ToDateTime(new TimeOnly(10, 0)));
        var team = await app.TeamWithNurses(3);
        var clients = new List<CaseloadEntry>();
        for (var i = 0; i < 5; i++)
        {
            var client = await app.Admitted(team.TeamId);
            clients.Add(client);
            var problem = await app.AddSkinProblem(client, "leg ulcer");
            await app.AddWoundCare(client, problem.ProblemId, i % 2 == 0 ? TimeWindow.Morning : TimeWindow.Afternoon, 30 + (5 * i));
        }
        await app.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = clients[0].ClientId, RecordedBy = clients[0].NamedNurseId, Text = "Key is with the neighbour at 14." });
        await app.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = clients[0].ClientId, RecordedBy = clients[0].NamedNurseId, Text = "Daughter visits on Tuesdays." });
        await app.Records.ScheduleReviewAsync(new ScheduleReviewRequest { RequestId = NewRequest(), ClientId = clients[0].ClientId, RecordedBy = clients[0].NamedNurseId, DueDate = Date(Today) });
        await app.Records.AddNetworkMemberAsync(new AddNetworkMemberRequest
        {
            RequestId = NewRequest(),
            ClientId = clients[0].ClientId,
            RecordedBy = clients[0].NamedNurseId,
            Role = NetworkRole.Neighbour,
            Name = "Mrs Neighbour",
            Contact = "07700 900123",
            ContactPreference = ContactPreference.Phone,
            Note = "Holds a key.",
        });
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(7, 0)));
        var plan = (await app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(Today) })).Plan;
        return (team, clients, plan);
    }

    [Fact]
    public async Task A_nurse_loads_her_visits_in_order_with_what_she_needs_and_each_record_read_is_audited_once_in_one_write()
    {
        var app = _host.App();
        var (team, clients, plan) = await ReviewedDay(app);
        var nurse = plan.Assigned.GroupBy(v => v.NurseId).OrderByDescending(g => g.Count()).First().Key;
        var expected = plan.Assigned.Where(v => v.NurseId == nurse).OrderBy(v => v.Start, StringComparer.Ordinal).ToList();
        var her = app.As(new Caller(nurse, Role.Nurse, team.TeamId));
        var (batchesBefore, singlesBefore) = (_trail.Batches, _trail.Singles);

        var day = await her.Planning.GetMyDayAsync(new GetMyDayRequest { Day = Date(Today) });

        Assert.Equal((nurse, team.TeamId, Date(Today)), (day.NurseId, day.TeamId, day.Day));
        Assert.Equal(expected.Select(v => (v.Visit.VisitId, v.Start)), day.Visits.Select(v => (v.Planned.Visit.VisitId, v.Planned.Start)));
        Assert.Equal(expected.Sum(v => v.Visit.DurationMinutes), day.VisitMinutes);
        var visitedClients = expected.Select(v => v.Visit.ClientId).Distinct().ToList();
        Assert.Equal(visitedClients, day.Clients.Select(c => c.ClientId));
        Assert.All(day.Visits, v =>
        {
            Assert.True(v.OnCaseload);
            var intervention = Assert.Single(v.Interventions);
            Assert.Equal(("wound care", v.Planned.Visit.DurationMinutes), (intervention.Target, intervention.DurationMinutes));
            Assert.Equal([Skill.WoundCare], intervention.Skills);
            Assert.Equal(TimeOnly.ParseExact(v.Planned.Start, "HH:mm", CultureInfo.InvariantCulture).AddMinutes(v.Planned.Visit.DurationMinutes),
                TimeOnly.ParseExact(v.End, "HH:mm", CultureInfo.InvariantCulture));
        });
        Assert.All(day.Clients, c =>
        {
            Assert.Equal(("Edith Testcase", "12 Roman Road", "E3 2AB", 88), (c.DisplayName, c.AddressLine, c.Postcode, c.Age));
            Assert.Equal(c.ClientId == clients[0].ClientId ? ReviewState.Due : ReviewState.NotScheduled, c.Review.State);
        });
        if (day.Clients.FirstOrDefault(c => c.ClientId == clients[0].ClientId) is { } first)
        {
            Assert.Equal("Daughter visits on Tuesdays.", first.LatestNote.Text);
            Assert.Equal(("Mrs Neighbour", "Holds a key."), (Assert.Single(first.AccessContacts).Name, first.AccessContacts[0].Note));
        }

        // One audit line per record read, all in one write of the trail, none on their own.
        Assert.Equal((batchesBefore + 1, singlesBefore), (_trail.Batches, _trail.Singles));
        Assert.Equal(visitedClients.Count, _trail.LastBatchSize);
        foreach (var client in clients)
        {
            var lines = (await her.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId })).Accesses
                .Where(a => a.Action == TeamDayGrain.ReadForDay).ToList();
            Assert.Equal(visitedClients.Contains(client.ClientId) ? 1 : 0, lines.Count);
            Assert.All(lines, l => Assert.Equal((nurse, "nurse", team.TeamId), (l.Subject, l.Role, l.TeamId)));
        }

        // A colleague with no visits that day has an empty day, and reads no record.
        var idle = team.Members.Select(m => m.NurseId).FirstOrDefault(n => plan.Assigned.All(v => v.NurseId != n));
        if (idle is not null)
        {
            var lines = _trail.Lines;
            var empty = await app.As(new Caller(idle, Role.Nurse, team.TeamId)).Planning.GetMyDayAsync(new GetMyDayRequest { Day = Date(Today) });
            Assert.Equal((0, 0, lines), (empty.Visits.Count, empty.Clients.Count, _trail.Lines));
        }
    }

    [Fact]
    public async Task A_day_is_refused_to_other_roles_to_a_nurse_of_no_team_or_another_team_and_outside_its_window()
    {
        var app = _host.App();
        var (team, _, plan) = await ReviewedDay(app);
        var nurse = plan.Assigned[0].NurseId;
        var her = app.As(new Caller(nurse, Role.Nurse, team.TeamId)).Planning;
        var other = await app.TeamWithNurses(1);
        var linesBefore = _trail.Lines;

        async Task<RpcException> Refused(PlanningService.PlanningServiceClient client, string day) =>
            await Assert.ThrowsAsync<RpcException>(() => client.GetMyDayAsync(new GetMyDayRequest { Day = day }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, (await Refused(app.As(new Caller("office-1", Role.CentralOffice, null)).Planning, Date(Today))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(app.As(new Caller("coach-1", Role.Coach, team.TeamId)).Planning, Date(Today))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(app.As(new Caller("ooh-1", Role.OutOfHours, null), "Night call").Planning, Date(Today))).StatusCode);
        // Her token naming another team she is not a member of: the team's members decide.
        var elsewhere = await Refused(app.As(new Caller(nurse, Role.Nurse, other.TeamId)).Planning, Date(Today));
        Assert.Equal((StatusCode.PermissionDenied, "NOT_A_TEAM_MEMBER"), (elsewhere.StatusCode, elsewhere.Trailers.GetValue("buurtzorg-reason")));
        var noTeam = await Refused(app.As(new Caller("nurse-new", Role.Nurse, null)).Planning, Date(Today));
        Assert.Equal((StatusCode.FailedPrecondition, "NO_TEAM"), (noTeam.StatusCode, noTeam.Trailers.GetValue("buurtzorg-reason")));
        var unplanned = await Refused(her, Date(Today.AddDays(1)));
        Assert.Equal((StatusCode.FailedPrecondition, "DAY_NOT_PLANNED"), (unplanned.StatusCode, unplanned.Trailers.GetValue("buurtzorg-reason")));
        foreach (var day in new[] { Date(Today.AddDays(-8)), Date(Today.AddDays(15)), "14/07/2026", "2026-02-30" })
            Assert.Equal(StatusCode.InvalidArgument, (await Refused(her, day)).StatusCode);

        // Nothing refused read a record.
        Assert.Equal(linesBefore, _trail.Lines);
        // Today is the default; a week back is still readable.
        Assert.Equal(Date(Today), (await her.GetMyDayAsync(new GetMyDayRequest())).Day);
        Clock.SetLocal(Today.AddDays(7).ToDateTime(new TimeOnly(9, 0)));
        Assert.NotEmpty((await her.GetMyDayAsync(new GetMyDayRequest { Day = Date(Today) })).Visits);
    }

    [Fact]
    public async Task A_client_who_left_the_caseload_after_the_review_is_listed_without_their_details_and_their_record_is_not_read()
    {
        var app = _host.App();
        var (team, _, plan) = await ReviewedDay(app);
        var visit = plan.Assigned[0];
        var nurse = app.As(new Caller(visit.NurseId, Role.Nurse, team.TeamId));
        await app.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = visit.Visit.ClientId,
            Reason = DischargeReason.GoalsMet,
            RecordedBy = visit.NurseId,
        });
        var before = (await nurse.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = visit.Visit.ClientId })).Accesses.Count;

        var day = await nurse.Planning.GetMyDayAsync(new GetMyDayRequest { Day = Date(Today) });

        var listed = day.Visits.Single(v => v.Planned.Visit.VisitId == visit.Visit.VisitId);
        Assert.False(listed.OnCaseload);
        Assert.Empty(listed.Interventions);
        Assert.DoesNotContain(day.Clients, c => c.ClientId == visit.Visit.ClientId);
        Assert.Equal(before, (await nurse.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = visit.Visit.ClientId })).Accesses.Count);
    }

    /// <summary>The embedded trail, counting how it is written to: one line at a time, or several in one write.</summary>
    private sealed class CountingAuditTrail : IAuditTrail
    {
        private readonly InMemoryAuditTrail _trail = new();
        private int _batches;
        private int _singles;
        private int _lines;

        public int Batches => _batches;

        public int Singles => _singles;

        public int Lines => _lines;

        public int LastBatchSize { get; private set; }

        public Task Record(AccessRecord access, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _singles);
            Interlocked.Increment(ref _lines);
            return _trail.Record(access, cancellationToken);
        }

        public Task RecordAll(IReadOnlyCollection<AccessRecord> accesses, CancellationToken cancellationToken = default)
        {
            if (accesses.Count == 0) return Task.CompletedTask;
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _lines, accesses.Count);
            LastBatchSize = accesses.Count;
            return _trail.RecordAll(accesses, cancellationToken);
        }

        public Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default) => _trail.For(clientId, cancellationToken);

        public Task<AccessPage> Page(string clientId, long after, int limit, CancellationToken cancellationToken = default) =>
            _trail.Page(clientId, after, limit, cancellationToken);
    }
}
