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
/// Times no nurse could mean are refused with a clear status, and change nothing. The care clock stands at 15:00 on
/// Wednesday 1 July 2026 (British Summer Time) in every story.
/// </summary>
public sealed class ImpossibleTimesTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly DateOnly Today = new(2026, 7, 1);

    private TeamApp App()
    {
        host.Services.GetRequiredService<CareClock>().SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));
        return host.App();
    }

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void AssertRefused(RpcException e, StatusCode code, string? reason = null)
    {
        Assert.Equal(code, e.StatusCode);
        if (reason is not null) Assert.Equal(reason, e.Trailers.GetValue("buurtzorg-reason"));
    }

    private static async Task<int> Visits(TeamApp app, string clientId) =>
        (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record.Visits.Count;

    [Fact]
    public async Task A_visit_three_days_before_admission_or_dated_1900_is_refused_and_not_recorded()
    {
        var app = App();
        var client = await app.Admitted((await app.TeamWithNurses(2)).TeamId);

        var early = await Refused(() => app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(2026, 6, 28, 10, 0, 0, TimeSpan.FromHours(1))));
        var ancient = await Refused(() => app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(1900, 1, 1, 10, 0, 0, TimeSpan.Zero)));

        AssertRefused(early, StatusCode.FailedPrecondition, "OUTSIDE_EPISODE");
        AssertRefused(ancient, StatusCode.FailedPrecondition, "OUTSIDE_EPISODE");
        Assert.Contains("before the client was admitted", early.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await Visits(app, client.ClientId));
    }

    [Fact]
    public async Task A_visit_starting_later_this_evening_is_refused()
    {
        var app = App();
        var client = await app.Admitted((await app.TeamWithNurses(2)).TeamId);

        var e = await Refused(() => app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(2026, 7, 1, 18, 0, 0, TimeSpan.FromHours(1))));

        AssertRefused(e, StatusCode.InvalidArgument);
        Assert.Equal(0, await Visits(app, client.ClientId));
    }

    [Fact]
    public async Task A_correction_cannot_date_a_visit_before_the_admission()
    {
        var app = App();
        var client = await app.Admitted((await app.TeamWithNurses(2)).TeamId);
        var visit = (await app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(2026, 7, 1, 14, 0, 0, TimeSpan.FromHours(1)))).Visit;
        var entryId = (await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId })).Entries.Last().EntryId;

        var e = await Refused(() => app.Records.CorrectEntryAsync(new CorrectEntryRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            EntryId = entryId,
            Reason = "Wrong year typed",
            Visit = new Visit
            {
                NurseId = client.NamedNurseId,
                Start = Timestamp.FromDateTimeOffset(new DateTimeOffset(1926, 7, 1, 14, 0, 0, TimeSpan.Zero)),
                DurationMinutes = 30,
                DirectCareMinutes = 25,
            },
        }).ResponseAsync);

        AssertRefused(e, StatusCode.FailedPrecondition, "OUTSIDE_EPISODE");
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Equal(visit.Start, Assert.Single(record.Visits).Start);
    }

    [Fact]
    public async Task A_call_for_tonight_is_refused_while_it_is_still_afternoon()
    {
        var app = App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var nurse = app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId)).OnCall;
        await nurse.SetOnCallAsync(new SetOnCallRequest { RequestId = NewRequest(), TeamId = team.TeamId, Night = Date(Today), NurseId = client.NamedNurseId });

        var e = await Refused(() => nurse.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = client.ClientId,
            At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 7, 1, 22, 0, 0, TimeSpan.FromHours(1))),
            Outcome = TriageOutcome.AdviceGiven,
            Note = "Reassured.",
        }).ResponseAsync);

        AssertRefused(e, StatusCode.InvalidArgument);
        Assert.Empty((await nurse.ListCallsAsync(new ListCallsRequest { TeamId = team.TeamId, Night = Date(Today) })).Clients);
    }

    [Theory]
    [InlineData("1900-01-01", StatusCode.InvalidArgument, null)]
    [InlineData("2026-06-30", StatusCode.FailedPrecondition, "LEAVE_IN_PAST")]
    public async Task Leave_starting_in_1900_or_yesterday_is_refused_and_nobody_is_handed_over(string start, StatusCode code, string? reason)
    {
        var app = App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);

        var e = await Refused(() => app.Nurses.AddLeavePeriodAsync(new AddLeavePeriodRequest
        {
            RequestId = NewRequest(),
            NurseId = client.NamedNurseId,
            Period = new LeavePeriod { StartDate = start, EndDate = "2026-07-10", Reason = "Sickness" },
        }).ResponseAsync);

        AssertRefused(e, code, reason);
        var caseload = (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId })).Entries;
        Assert.Equal(client.NamedNurseId, Assert.Single(caseload).NamedNurseId);
    }

    [Fact]
    public async Task Leave_that_began_yesterday_is_recorded_by_the_teams_coach_and_hands_the_clients_over()
    {
        var app = App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var coach = app.As(new Caller("coach-of-the-team", Role.Coach, team.TeamId));

        var leave = await coach.Nurses.AddLeavePeriodAsync(new AddLeavePeriodRequest
        {
            RequestId = NewRequest(),
            NurseId = client.NamedNurseId,
            Period = new LeavePeriod { StartDate = "2026-06-30", EndDate = "2026-07-10", Reason = "Sickness" },
        });

        var handover = Assert.Single(leave.Handovers);
        Assert.Equal((client.ClientId, client.BackupNurseId), (handover.ClientId, handover.NamedNurseId));
        var caseload = (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId })).Entries;
        Assert.Equal(client.BackupNurseId, Assert.Single(caseload).NamedNurseId);
    }

    [Theory]
    [InlineData("1900-01-01", StatusCode.FailedPrecondition, "OUTSIDE_EPISODE")]
    [InlineData("2200-01-01", StatusCode.InvalidArgument, null)]
    public async Task Ratings_and_goals_dated_1900_or_2200_are_refused_and_not_kept(string date, StatusCode code, string? reason)
    {
        var app = App();
        var client = await app.Admitted((await app.TeamWithNurses(2)).TeamId);
        var problem = await app.AddSkinProblem(client);

        var rating = await Refused(() => app.Records.RateProblemAsync(new RateProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            ProblemId = problem.ProblemId,
            Rating = new OutcomeRating { Knowledge = 2, Behaviour = 3, Status = 2 },
            RatedOn = date,
        }).ResponseAsync);
        var goal = await Refused(() => app.Records.AgreeGoalAsync(new AgreeGoalRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            ProblemId = problem.ProblemId,
            Description = "Ulcer healed within twelve weeks",
            AgreedBy = AgreedBy.Client,
            AgreedByName = "Edith Testcase",
            AgreedOn = date,
        }).ResponseAsync);

        AssertRefused(rating, code, reason);
        AssertRefused(goal, code, reason);
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Empty(record.Goals);
        Assert.Null(Assert.Single(record.Problems).LatestRating);
    }

    [Theory]
    [InlineData("2026-06-30")]
    [InlineData("2200-01-01")]
    public async Task A_review_due_yesterday_or_in_2200_is_refused(string due)
    {
        var app = App();
        var client = await app.Admitted((await app.TeamWithNurses(2)).TeamId);

        var e = await Refused(() => app.Records.ScheduleReviewAsync(new ScheduleReviewRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            DueDate = due,
        }).ResponseAsync);

        AssertRefused(e, StatusCode.InvalidArgument);
        Assert.Equal("", (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record.NextReviewDate);
    }

    [Theory]
    [InlineData("2026-06-30", StatusCode.FailedPrecondition, "DAY_PASSED")]
    [InlineData("2200-01-01", StatusCode.InvalidArgument, null)]
    public async Task A_day_plan_is_refused_for_a_past_day_and_for_2200_and_made_for_today(string day, StatusCode code, string? reason)
    {
        var app = App();
        var team = await app.TeamWithNurses(2);
        await app.Admitted(team.TeamId);

        var e = await Refused(() => app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = day }).ResponseAsync);
        var today = await app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(Today) });

        AssertRefused(e, code, reason);
        Assert.Equal(Date(Today), today.Plan.Day);
        var missing = await Refused(() => app.Planning.GetDayPlanAsync(new GetDayPlanRequest { TeamId = team.TeamId, Day = day }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
