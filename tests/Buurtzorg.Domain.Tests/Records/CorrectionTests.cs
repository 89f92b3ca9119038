using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class CorrectionTests
{
    private static readonly CareRecord Visited = WithCarePlan().ThenAll(
        Visit("visit-1", Nurse, Day(1), minutes: 40, directMinutes: 30),
        Visit("visit-2", Nurse, Day(2), minutes: 40, directMinutes: 30),
        Note("note-1"));

    [Fact]
    public void A_correction_replaces_the_visit_in_the_current_state_but_keeps_the_original_in_history()
    {
        var fixedVisit = Visit("visit-1", OtherNurse, Day(1), minutes: 50, directMinutes: 45);

        var record = Visited.Then(Correcting("e-visit-1", fixedVisit));

        var visit = record.Visits.Single(v => v.VisitId == "visit-1");
        Assert.Equal((OtherNurse, 50, 45), (visit.NurseId, visit.DurationMinutes, visit.DirectCareMinutes));
        Assert.Equal("e-visit-1", visit.EntryId);
        var original = Assert.IsType<VisitRecorded>(record.FindEntry("e-visit-1"));
        Assert.Equal(40, original.DurationMinutes);
        Assert.Equal(Visited.History.Count + 1, record.History.Count);
        Assert.Equal(new Dictionary<string, int> { [Nurse] = 1, [OtherNurse] = 1 }, record.VisitsByNurse());
    }

    [Fact]
    public void The_replacement_stands_where_the_original_stood_with_its_time_and_author()
    {
        var record = Visited.Then(Correcting("e-visit-1", Visit("visit-1", OtherNurse, Day(1), minutes: 50)));

        var correction = record.CorrectionOf("e-visit-1")!;
        var replacement = correction.Replacement!;
        var original = Visited.FindEntry("e-visit-1")!;
        Assert.Equal((original.EntryId, original.At, original.RecordedBy), (replacement.EntryId, replacement.At, replacement.RecordedBy));
        Assert.Equal(["visit-1", "visit-2"], record.Visits.Select(v => v.VisitId));
        Assert.Equal(OtherNurse, correction.RecordedBy);
    }

    [Fact]
    public void Striking_a_note_entered_in_error_removes_it_from_the_current_state()
    {
        var record = Visited.Then(Correcting("e-note-1", null));

        Assert.Empty(record.Notes);
        Assert.IsType<NoteAdded>(record.FindEntry("e-note-1"));
        Assert.True(record.CorrectionOf("e-note-1")!.Strikes);
    }

    [Fact]
    public void A_struck_visit_no_longer_counts_for_continuity_or_direct_care()
    {
        var record = Visited.Then(Correcting("e-visit-2", null));

        Assert.Equal(new Dictionary<string, int> { [Nurse] = 1 }, record.VisitsByNurse());
        Assert.Equal(0.75, record.DirectCareShare());
    }

    [Fact]
    public void The_latest_correction_of_an_entry_wins()
    {
        var record = Visited.ThenAll(
            Correcting("e-note-1", Note("note-1", "First fix")),
            Correcting("e-note-1", null, Day(2), "fix-2"),
            Correcting("e-note-1", Note("note-1", "Second fix"), Day(3), "fix-3"));

        Assert.Equal("Second fix", Assert.Single(record.Notes).Text);
        Assert.Equal("e-fix-3", record.CorrectionOf("e-note-1")!.EntryId);
    }

    [Fact]
    public void Correcting_the_first_rating_changes_the_outcome_change()
    {
        var record = Visited.Then(Rating("prob-skin", new(4, 4, 4), Day(28)));
        Assert.Equal(new OutcomeChange(2, 2, 2), record.ActiveProblem("prob-skin")!.Change);

        var first = record.ActiveProblem("prob-skin")!.FirstRating!;
        record = record.Then(Correcting(first.EntryId, Rating("prob-skin", new(1, 2, 3), Monday)));

        Assert.Equal(new OutcomeChange(3, 2, 1), record.ActiveProblem("prob-skin")!.Change);
    }

    [Fact]
    public void Goals_and_network_members_can_be_corrected()
    {
        var record = Visited.Then(Member("mem-daughter")).ThenAll(
            Correcting("e-goal-heal", Goal("goal-heal", "prob-skin", "Ulcer healed within eight weeks")),
            Correcting("e-mem-daughter", Member("mem-daughter", NetworkRole.Carer), correctionId: "fix-2"));

        Assert.Equal("Ulcer healed within eight weeks", Assert.Single(record.Goals).Description);
        Assert.Equal(NetworkRole.Carer, Assert.Single(record.Network).Role);
    }

    [Fact]
    public void A_visit_can_be_corrected_after_discharge()
    {
        var record = Visited.Then(Discharge(at: Day(60)))
            .Then(Correcting("e-visit-1", Visit("visit-1", Nurse, Day(1), minutes: 30, directMinutes: 30), Day(61)));

        Assert.Equal(30, record.Visits.Single(v => v.VisitId == "visit-1").DurationMinutes);
        Assert.Single(record.PastEpisodes);
    }

    [Fact]
    public void A_replacement_of_a_different_kind_is_refused()
    {
        var error = Assert.Throws<CareRuleException>(() => Visited.Then(Correcting("e-visit-1", Note("note-9"))));

        Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
        Assert.Contains("same kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replacement_about_another_visit_is_refused()
    {
        var error = Assert.Throws<CareRuleException>(() => Visited.Then(Correcting("e-visit-1", Visit("visit-2", Nurse, Day(1)))));

        Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
    }

    [Fact]
    public void A_replacement_is_checked_like_a_new_entry()
    {
        var tooLong = Visit("visit-1", Nurse, Day(1), minutes: 721, directMinutes: 30);

        var error = Assert.Throws<CareRuleException>(() => Visited.Then(Correcting("e-visit-1", tooLong)));

        Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
    }

    [Theory]
    [InlineData("e-prob-skin")]
    [InlineData("e-int-dressing")]
    [InlineData("e-ep-1")]
    [InlineData("e-ref-1")]
    public void Care_plan_episode_and_referral_entries_cannot_be_corrected(string entryId)
    {
        var error = Assert.Throws<CareRuleException>(() => Visited.Then(Correcting(entryId, null)));

        Assert.Equal(RuleViolation.FailedPrecondition, error.Violation);
    }

    [Fact]
    public void A_correction_cannot_itself_be_corrected()
    {
        var record = Visited.Then(Correcting("e-note-1", null));

        var error = Assert.Throws<CareRuleException>(() => record.Then(Correcting("e-fix-1", null, correctionId: "fix-2")));

        Assert.Equal(RuleViolation.FailedPrecondition, error.Violation);
    }

    [Fact]
    public void Correcting_an_entry_that_does_not_exist_is_not_found()
    {
        var error = Assert.Throws<CareRuleException>(() => Visited.Then(Correcting("e-no-such-entry", null)));

        Assert.Equal(RuleViolation.NotFound, error.Violation);
    }
}
