using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Tests.Records;
using static Buurtzorg.Domain.Tests.OnCall.OnCallStory;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.OnCall;

/// <summary>The night's calls, the out-of-hours visits and the next-day visits, as the day team meets them next morning.</summary>
public sealed class NightReviewTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static OutOfHoursVisit OutOfHours(string clientId, string visitId, DateTimeOffset start) => new(clientId, visitId, "ooh-nurse", start, 40);

    [Fact]
    public void A_requested_out_of_hours_visit_is_matched_by_the_visit_recorded_after_the_call_and_shows_in_the_review()
    {
        var book = Book()
            .Log("call-1", At(Monday, 21), outcome: TriageOutcome.OutOfHoursVisitRequested)
            .Log("call-2", At(Tuesday, 1), "c2", TriageOutcome.AdviceGiven)
            .Log("call-3", At(Tuesday, 3), "c2", TriageOutcome.OutOfHoursVisitRequested);

        var review = book.Review(Monday, [
            OutOfHours("c1", "visit-early", At(Monday, 20, 30)), // before the call: not its answer
            OutOfHours("c1", "visit-ooh", At(Monday, 22, 15)),
            OutOfHours("c1", "visit-next-night", At(Tuesday, 22)),
        ]);

        Assert.Equal(("team-bow", Monday, "anna", 3), (review.TeamId, review.Night, review.OnCallNurseId, review.CallCount));
        Assert.Equal(["c1", "c2"], review.Clients.Select(c => c.ClientId));
        var c1 = review.Clients[0];
        Assert.Equal(["call-1"], c1.Calls.Select(c => c.CallId));
        Assert.Equal([("visit-early", (string?)null), ("visit-ooh", "call-1")], c1.OutOfHoursVisits.Select(v => (v.Visit.VisitId, v.ForCallId)));
        Assert.Empty(c1.VisitNotRecordedForCalls);
        var c2 = review.Clients[1];
        Assert.Equal(["call-2", "call-3"], c2.Calls.Select(c => c.CallId));
        Assert.Equal(["call-3"], c2.VisitNotRecordedForCalls);
    }

    [Fact]
    public void The_out_of_hours_visit_comes_from_the_clients_record()
    {
        var record = RecordStory.WithCarePlan().ThenAll(
            RecordStory.Visit("visit-day", RecordStory.Nurse, RecordStory.Day(1, 10)),
            RecordStory.Visit("visit-night", "ooh-nurse", RecordStory.Day(1, 23), outOfHours: true));
        var night = RecordStory.MondayDate.AddDays(1);
        var team = TeamOf([Nurse("anna")], Client(RecordStory.ClientId, "anna"));
        var book = OnCallBook.Create("team-bow")
            .AssignNight(team, night, "anna", "anna", RecordStory.Day(0))
            .LogCall(team, "call-1", RecordStory.Day(1, 22), RecordStory.ClientId, "anna", TriageOutcome.OutOfHoursVisitRequested, "Fell, cannot get up",
                RecordStory.Day(1, 22));

        var visits = OutOfHoursVisit.From(record);
        var review = book.Review(night, visits);

        Assert.Equal("visit-night", Assert.Single(visits).VisitId);
        var client = Assert.Single(review.Clients);
        Assert.Equal("call-1", Assert.Single(client.OutOfHoursVisits).ForCallId);
        Assert.Empty(client.VisitNotRecordedForCalls);
    }

    [Fact]
    public void A_next_day_visit_added_in_the_night_is_planned_the_next_morning_and_the_night_travels_with_the_plan()
    {
        var book = Book()
            .Log("call-1", At(Tuesday, 2), outcome: TriageOutcome.NextDayVisitAdded, nextDayVisit: new(TimeWindow.Morning, 30, Skills(Skill.WoundCare)))
            .Log("call-2", At(Tuesday, 4), "c2", TriageOutcome.EmergencyServicesCalled);
        var review = book.Review(Monday, []);
        var team = Team();

        var plan = DayPlanner.Plan(team, DutyRota.Default(team, Tuesday), [], [], review);

        var visit = Assert.Single(plan.Assigned);
        Assert.True(visit.Visit.IsFromNightCall);
        Assert.Equal(("c1", "anna", Tuesday), (visit.Visit.ClientId, visit.NurseId, visit.Visit.Day));
        Assert.Equal("call-1", visit.Visit.Care.Single().CallId);
        Assert.Equal([Skill.WoundCare], visit.Visit.Skills);
        Assert.Same(review, plan.LastNight);
        Assert.Equal(2, plan.LastNight!.CallCount);
    }

    [Fact]
    public void The_follow_up_is_planned_once_even_when_the_caller_also_passes_it_among_the_visits_due()
    {
        var review = Book().Log("call-1", At(Tuesday, 2), outcome: TriageOutcome.NextDayVisitAdded).Review(Monday, []);
        var team = Team();
        var followUp = VisitsDue.FollowUp(review.NextDayVisits.Single());

        var plan = DayPlanner.Plan(team, DutyRota.Default(team, Tuesday), [followUp], [], review);

        Assert.Single(plan.Assigned);
    }

    [Fact]
    public void A_review_of_another_night_is_refused_by_the_planner()
    {
        var review = Book().Review(Monday, []);
        var team = Team();

        Assert.Equal(RuleViolation.InvalidArgument,
            Assert.Throws<CareRuleException>(() => DayPlanner.Plan(team, DutyRota.Default(team, Monday), [], [], review)).Violation);
    }

    [Fact]
    public void The_book_and_a_plan_carrying_the_night_round_trip_through_json()
    {
        var book = Book()
            .Log("call-1", At(Monday, 21), outcome: TriageOutcome.OutOfHoursVisitRequested)
            .Log("call-2", At(Tuesday, 2), "c2", TriageOutcome.NextDayVisitAdded, nextDayVisit: new(TimeWindow.Midday, 45, Skills(Skill.WoundCare)));
        var review = book.Review(Monday, [OutOfHours("c1", "visit-ooh", At(Monday, 22))]);
        var team = Team();
        var plan = DayPlanner.Plan(team, DutyRota.Default(team, Tuesday), [Due("v1", "c1", day: Tuesday)], [], review)
            .Reassign("v1", "ali", "anna", At(Monday, 18));

        var bookJson = JsonSerializer.Serialize(book, Json);
        var planJson = JsonSerializer.Serialize(plan, Json);
        var bookAgain = JsonSerializer.Deserialize<OnCallBook>(bookJson, Json)!;
        var planAgain = JsonSerializer.Deserialize<DayPlan>(planJson, Json)!;

        Assert.Equal(bookJson, JsonSerializer.Serialize(bookAgain, Json));
        Assert.Equal(planJson, JsonSerializer.Serialize(planAgain, Json));
        Assert.Equal(plan.NamedNurseShare, planAgain.NamedNurseShare);
        Assert.Equal("anna", bookAgain.NurseOnCall(Monday));
        // The loaded plan keeps working: the same change again is recognised, and the night's follow-up is still there.
        Assert.Same(planAgain, planAgain.Reassign("v1", "ali", "anna", At(Monday, 18)));
        Assert.Contains(planAgain.Assigned, v => v.Visit.IsFromNightCall);
    }
}
