using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class ReplayAndRetryTests
{
    /// <summary>Every kind of entry, a correction and a strike among them.</summary>
    internal static CareRecord FullStory() => WithCarePlan().ThenAll(
        Member("mem-daughter"),
        Member("mem-gp", NetworkRole.GeneralPractitioner, "Dr Patel"),
        new NetworkMemberRemoved("e-remove-gp", Day(1), Nurse, "mem-gp"),
        Problem("prob-walk", OmahaProblem.NeuromusculoskeletalFunction),
        Intervention("int-stairs", "prob-walk", CareType.Reablement, at: Day(1)),
        new ReviewScheduled("e-review", Day(1), Nurse, MondayDate.AddDays(28)),
        Visit("visit-1", Nurse, Day(1), interventionsDone: ["int-dressing", "int-stairs"]),
        Visit("visit-2", OtherNurse, Day(2), note: "Ulcer smaller, less exudate"),
        Visit("visit-3", "nurse-night", Day(2, hour: 23), outOfHours: true),
        Note("note-1"),
        Note("note-2", "Daughter asks for a call back"),
        Correcting("e-visit-2", Visit("visit-2", OtherNurse, Day(2), minutes: 45, directMinutes: 35), Day(3)),
        Correcting("e-note-2", null, Day(3), "fix-2"),
        new InterventionStopped("e-stop-stairs", Day(20), Nurse, "int-stairs"),
        new ReablementRenewed("e-renew", Day(40), Nurse),
        Rating("prob-skin", new(4, 4, 4), Day(28)),
        Goal("goal-walk", "prob-walk", "Walks to the corner shop"),
        new ProblemResolved("e-resolve-walk", Day(50), Nurse, "prob-walk"),
        new DemographicsUpdated("e-details", Day(50), Nurse, Details with { Phone = "020 7946 0001" },
            DemographicsSource.ClientOrFamily));

    [Fact]
    public void Applying_an_entry_already_in_the_history_leaves_the_record_unchanged()
    {
        var record = WithCarePlan();
        var visit = Visit("visit-1", Nurse, Day(1));
        var once = record.Then(visit);

        var twice = once.Apply(visit);
        var sameIdOtherContent = once.Apply(visit with { DurationMinutes = 90 });

        Assert.Same(once, twice);
        Assert.Same(once, sameIdOtherContent);
        Assert.Single(twice.Visits);
    }

    [Fact]
    public void A_retried_request_gets_the_entry_recorded_the_first_time_even_when_the_rules_would_now_refuse_it()
    {
        var problem = Problem("prob-pain", OmahaProblem.Pain);
        var record = Admitted().Then(problem);

        var retried = CareRecordRules.Check(record, problem, Monday, MondayDate);

        Assert.Same(record.FindEntry(problem.EntryId), retried);
        Assert.Same(record, record.Apply(retried));
    }

    [Fact]
    public void An_entry_id_already_used_by_another_kind_of_entry_is_refused()
    {
        var record = Admitted().Then(Note("note-1"));
        var clash = new ProblemAdded("e-note-1", Monday, Nurse, "prob-pain", OmahaProblem.Pain, ProblemScope.Individual, ProblemSeverity.Potential, []);

        var error = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, clash, Monday, MondayDate));

        Assert.Equal(RuleViolation.AlreadyExists, error.Violation);
    }

    [Fact]
    public void A_struck_visits_id_stays_taken_after_the_record_is_refolded_and_loaded_again()
    {
        var record = Admitted().Then(Visit("visit-1", Nurse, Day(0, 10))).Then(Correcting("e-visit-1", null));
        var loaded = JsonSerializer.Deserialize<CareRecord>(record.ToJson(), Json)!;
        // A new entry (new entry id) that reuses the struck visit's id.
        var reuse = Visit("visit-1", Nurse, Day(1, 10)) with { EntryId = "e-visit-1-again" };

        foreach (var current in new[] { record, loaded })
        {
            Assert.Empty(current.Visits);
            var error = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(current, reuse, Day(1, 11), RecordStory.DateOf(Day(1))));
            Assert.Equal(RuleViolation.AlreadyExists, error.Violation);
        }
    }

    [Fact]
    public void Replaying_the_history_gives_the_record_that_applying_it_entry_by_entry_built()
    {
        var built = FullStory();

        var replayed = CareRecord.Replay(ClientId, built.History);

        Assert.Equal(built.ToJson(), replayed.ToJson());
        Assert.Equal(built.VisitsByNurse(), replayed.VisitsByNurse());
        Assert.Equal(built.DirectCareShare(), replayed.DirectCareShare());
    }

    [Fact]
    public void Replaying_a_history_with_a_repeated_entry_ignores_the_repeat()
    {
        var built = FullStory();

        var replayed = CareRecord.Replay(ClientId, built.History.AddRange(built.History.Take(5)));

        Assert.Equal(built.ToJson(), replayed.ToJson());
    }

    [Fact]
    public void The_full_story_folds_to_the_expected_current_record()
    {
        var record = FullStory();

        Assert.Equal(["mem-daughter"], record.Network.Select(m => m.MemberId));
        Assert.Equal(["note-1"], record.Notes.Select(n => n.NoteId));
        Assert.Equal(45, record.Visits.Single(v => v.VisitId == "visit-2").DurationMinutes);
        Assert.Equal(["int-dressing"], record.Interventions.Select(i => i.InterventionId));
        Assert.Equal(MondayDate.AddDays(1 + 42 + 42), record.ReablementEndsOn);
        Assert.Equal(["prob-skin"], record.ActiveProblems.Select(p => p.ProblemId));
        Assert.Equal(2, record.Problems.Count);
    }
}
