using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.OnCall.OnCallStory;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.OnCall;

public sealed class CallLogTests
{
    [Fact]
    public void The_on_call_nurse_logs_a_call_with_its_triage_outcome_in_the_night_it_came()
    {
        var book = Book().Log("call-1", At(Tuesday, 2, 30), outcome: TriageOutcome.AdviceGiven);

        var call = Assert.Single(book.CallsOf(Monday));
        Assert.Equal(new CallLogEntry("call-1", At(Tuesday, 2, 30), Monday, "c1", "anna", TriageOutcome.AdviceGiven, CallNote, null), call);
        Assert.Equal(call, book.Call("call-1"));
        Assert.DoesNotContain(CallNote, call.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_about_a_client_not_on_the_caseload_is_refused()
    {
        var refusal = Assert.Throws<CareRuleException>(() => Book().Log("call-1", At(Monday, 22), clientId: "c9"));

        Assert.Equal((RuleViolation.FailedPrecondition, "NOT_ON_CASELOAD"), (refusal.Violation, refusal.Reason));
    }

    [Fact]
    public void A_call_in_the_day_is_the_teams_and_is_refused_by_the_on_call_log()
    {
        var refusal = Assert.Throws<CareRuleException>(() => Book().Log("call-1", At(Tuesday, 9)));

        Assert.Equal((RuleViolation.FailedPrecondition, "OUTSIDE_NIGHT"), (refusal.Violation, refusal.Reason));
        Assert.Contains("20:00", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_nurse_on_call_that_night_logs_its_calls()
    {
        Assert.Equal("NOT_ON_CALL", Assert.Throws<CareRuleException>(() => Book().Log("call-1", At(Monday, 22), nurseId: "ali")).Reason);
        Assert.Equal("NO_ON_CALL_NURSE", Assert.Throws<CareRuleException>(() => Book().Log("call-1", At(Tuesday, 22))).Reason);
    }

    [Fact]
    public void A_note_is_required_and_at_most_a_thousand_characters()
    {
        var book = Book();

        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() =>
            book.LogCall(Team(), "call-1", At(Monday, 22), "c1", "anna", TriageOutcome.AdviceGiven, new string('x', 1001), At(Monday, 22))).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() =>
            book.LogCall(Team(), "call-1", At(Monday, 22), "c1", "anna", TriageOutcome.AdviceGiven, "  ", At(Monday, 22))).Violation);
        Assert.Single(book.LogCall(Team(), "call-1", At(Monday, 22), "c1", "anna", TriageOutcome.AdviceGiven, new string('x', 1000), At(Monday, 22)).Calls);
    }

    [Fact]
    public void An_unknown_outcome_or_a_next_day_visit_on_another_outcome_is_refused()
    {
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Book().Log("call-1", At(Monday, 22), outcome: (TriageOutcome)9)).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() =>
            Book().Log("call-1", At(Monday, 22), outcome: TriageOutcome.AdviceGiven, nextDayVisit: NextDayVisitRequest.Default)).Violation);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() =>
            Book().Log("call-1", At(Monday, 22), outcome: TriageOutcome.NextDayVisitAdded, nextDayVisit: new(TimeWindow.Morning, 500, []))).Violation);
    }

    [Fact]
    public void A_next_day_visit_defaults_to_half_an_hour_in_the_morning_unless_the_nurse_says_otherwise()
    {
        var book = Book()
            .Log("call-1", At(Monday, 22), outcome: TriageOutcome.NextDayVisitAdded)
            .Log("call-2", At(Monday, 23), "c2", TriageOutcome.NextDayVisitAdded, nextDayVisit: new(TimeWindow.Midday, 45, Skills(Skill.WoundCare)));

        var byDefault = book.Call("call-1")!.NextDayVisit!;
        var asked = book.Call("call-2")!.NextDayVisit!;
        Assert.Equal((TimeWindow.Morning, 30, 0), (byDefault.Window, byDefault.DurationMinutes, byDefault.Skills.Count));
        Assert.Equal((TimeWindow.Midday, 45), (asked.Window, asked.DurationMinutes));
        Assert.Equal([Skill.WoundCare], asked.Skills);
    }

    [Fact]
    public void Logging_the_same_call_again_is_a_retry_and_a_different_call_under_its_id_is_refused()
    {
        var once = Book().Log("call-1", At(Monday, 22));

        Assert.Same(once, once.Log("call-1", At(Monday, 22)));
        var clash = Assert.Throws<CareRuleException>(() => once.Log("call-1", At(Monday, 23)));
        Assert.Equal((RuleViolation.AlreadyExists, "CALL_EXISTS"), (clash.Violation, clash.Reason));
    }

    [Fact]
    public void No_refusal_repeats_the_note()
    {
        var book = Book();
        var refusals = new Func<OnCallBook>[]
        {
            () => book.Log("call-1", At(Monday, 22), clientId: "c9"),
            () => book.Log("call-1", At(Tuesday, 12)),
            () => book.Log("call-1", At(Monday, 22), nurseId: "ali"),
            () => book.Log("call-1", At(Monday, 22)).Log("call-1", At(Monday, 23)),
        }.Select(Assert.Throws<CareRuleException>);

        Assert.All(refusals, r => Assert.DoesNotContain("4711", r.Message, StringComparison.Ordinal));
    }
}
