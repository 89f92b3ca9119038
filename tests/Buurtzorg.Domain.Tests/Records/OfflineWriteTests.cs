using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

/// <summary>
/// Work done offline reaches the record after the care plan may have changed: it is kept as what happened, and it is
/// a conflict only when the change came first.
/// </summary>
public sealed class OfflineWriteTests
{
    private static readonly CareRecord Stopped = WithCarePlan().Then(new InterventionStopped("e-stop", Day(10), Nurse, "int-dressing"));

    [Fact]
    public void An_offline_visit_for_an_intervention_stopped_since_is_kept_and_a_conflict_only_if_the_stop_came_first()
    {
        var before = Visit("visit-early", Nurse, Day(9), interventionsDone: "int-dressing");
        var after = Visit("visit-late", Nurse, Day(11), interventionsDone: "int-dressing");
        var now = Day(12);

        var early = CareRecordRules.Check(Stopped, before, now, DateOf(now), offline: true);
        var late = CareRecordRules.Check(Stopped, after, now, DateOf(now), offline: true);
        var history = Stopped.Apply(early).Apply(late).History;

        Assert.True(OfflineConflict.NeedsHistory(Stopped, early));
        Assert.False(OfflineConflict.MetChangedPlan(early, history));
        Assert.True(OfflineConflict.MetChangedPlan(late, history));
    }

    [Fact]
    public void Online_the_same_visit_is_refused_and_offline_an_intervention_the_record_never_had_still_is()
    {
        var now = Day(12);
        var visit = Visit("visit-late", Nurse, Day(11), interventionsDone: "int-dressing");
        var unknown = Visit("visit-odd", Nurse, Day(11), interventionsDone: "int-never");

        Assert.Equal(RuleViolation.NotFound, Assert.Throws<CareRuleException>(() => CareRecordRules.Check(Stopped, visit, now, DateOf(now))).Violation);
        Assert.Equal(RuleViolation.NotFound, Assert.Throws<CareRuleException>(() => CareRecordRules.Check(Stopped, unknown, now, DateOf(now), offline: true)).Violation);
    }

    [Fact]
    public void An_offline_rating_of_a_problem_resolved_since_is_kept_and_a_conflict_only_if_resolved_by_its_day()
    {
        var resolved = WithCarePlan().Then(new ProblemResolved("e-resolve", Day(10), Nurse, "prob-skin"));
        var now = Day(12);

        var before = CareRecordRules.Check(resolved, Rating("prob-skin", new(3, 3, 3), Day(9)), now, DateOf(now), offline: true);
        var sameDay = CareRecordRules.Check(resolved, Rating("prob-skin", new(4, 3, 3), Day(10, hour: 8)), now, DateOf(now), offline: true);
        var history = resolved.Apply(before).Apply(sameDay).History;

        Assert.False(OfflineConflict.MetChangedPlan(before, history));
        Assert.True(OfflineConflict.MetChangedPlan(sameDay, history));
    }

    [Fact]
    public void A_note_written_offline_keeps_its_own_time_and_is_checked_against_the_clock_and_the_episode()
    {
        var record = WithCarePlan();
        var now = Day(3);

        var kept = CareRecordRules.Check(record, Note("note-1", at: Day(2)), now, DateOf(now));
        var ahead = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, Note("note-2", at: now.AddMinutes(10)), now, DateOf(now)));
        var beforeAdmission = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, Note("note-3", at: Day(-3)), now, DateOf(now)));

        Assert.Equal(Day(2), kept.At);
        Assert.Equal(RuleViolation.InvalidArgument, ahead.Violation);
        Assert.Equal(CareRecordRules.OutsideEpisode, beforeAdmission.Reason);
    }
}
