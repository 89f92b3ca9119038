using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Tests.Common;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

/// <summary>
/// The times a nurse gives an entry lie within the client's episode and not in the future: impossible dates (a visit
/// before the client was admitted, a rating in 1900 or 2200) are refused and change nothing.
/// </summary>
public sealed class EntryTimeTests
{
    private static readonly DateTimeOffset Tuesday = Day(1);

    private static void AssertOutsideEpisode(CareRecord record, RecordEntry entry, DateTimeOffset? now = null)
    {
        var e = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, entry, now ?? Tuesday, DateOf(now ?? Tuesday)));
        Assert.Equal((RuleViolation.FailedPrecondition, "OUTSIDE_EPISODE"), (e.Violation, e.Reason));
    }

    private static void AssertInvalid(CareRecord record, RecordEntry entry, DateTimeOffset? now = null)
    {
        var e = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, entry, now ?? Tuesday, DateOf(now ?? Tuesday)));
        Assert.Equal(RuleViolation.InvalidArgument, e.Violation);
    }

    [Fact]
    public void A_visit_three_days_before_admission_is_refused()
    {
        AssertOutsideEpisode(WithCarePlan(), Visit("visit-1", Nurse, Day(-3)));
    }

    [Fact]
    public void A_visit_dated_1900_is_refused()
    {
        AssertOutsideEpisode(WithCarePlan(), Visit("visit-1", Nurse, new DateTimeOffset(1900, 1, 1, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_assessment_visit_the_afternoon_before_the_admission_was_recorded_is_kept()
    {
        var record = WithCarePlan().Then(Visit("visit-assessment", Nurse, Day(-1, 15)) with { At = Tuesday });

        Assert.Equal("visit-assessment", Assert.Single(record.Visits).VisitId);
    }

    [Theory]
    [InlineData(1900)]
    [InlineData(2024)]
    public void A_rating_dated_before_the_episode_began_is_refused(int year)
    {
        AssertOutsideEpisode(WithCarePlan(), Rating("prob-skin", new(3, 3, 3), Tuesday) with { RatedOn = new DateOnly(year, 1, 1) });
    }

    [Theory]
    [InlineData(2200, 1, 1)]
    [InlineData(2025, 3, 5)] // tomorrow
    public void A_rating_dated_in_the_future_is_refused(int year, int month, int day)
    {
        AssertInvalid(WithCarePlan(), Rating("prob-skin", new(3, 3, 3), Tuesday) with { RatedOn = new DateOnly(year, month, day) });
    }

    [Fact]
    public void A_goal_agreed_in_1900_is_refused_and_one_agreed_in_2200_too()
    {
        AssertOutsideEpisode(WithCarePlan(), Goal("goal-2", "prob-skin") with { AgreedOn = new DateOnly(1900, 1, 1) });
        AssertInvalid(WithCarePlan(), Goal("goal-2", "prob-skin") with { AgreedOn = new DateOnly(2200, 1, 1) });
    }

    [Fact]
    public void A_correction_cannot_move_a_visit_after_the_discharge_nor_date_a_rating_before_the_admission()
    {
        var discharged = WithCarePlan().ThenAll(Visit("visit-1", Nurse, Day(1, 10)), Discharge(at: Day(10)));
        var afterDischarge = Visit("visit-1", Nurse, Day(12, 10));
        var beforeAdmission = Rating("prob-skin", new(2, 2, 2), Monday) with { RatedOn = MondayDate.AddDays(-30) };

        AssertOutsideEpisode(discharged, Correcting("e-visit-1", afterDischarge, Day(20)), Day(20));
        AssertOutsideEpisode(discharged, Correcting($"e-rate-prob-skin-{Monday:yyyyMMdd}", beforeAdmission, Day(20)), Day(20));
        var corrected = discharged.Then(Correcting("e-visit-1", Visit("visit-1", Nurse, Day(2, 10)), Day(20)));
        Assert.Equal(Day(2, 10), corrected.Visits.Single(v => v.VisitId == "visit-1").Start);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(365 * 2, true)]
    [InlineData(365 * 2 + 2, false)]
    public void A_review_is_due_from_today_up_to_two_years_ahead(int daysAhead, bool accepted)
    {
        var review = new ReviewScheduled("e-review", Tuesday, Nurse, DateOf(Tuesday).AddDays(daysAhead));

        if (accepted) Assert.Equal(review.DueOn, WithCarePlan().Then(review).NextReviewOn);
        else AssertInvalid(WithCarePlan(), review);
    }

    [Fact]
    public void A_visit_keeps_its_summer_time_offset_through_the_records_json()
    {
        var admitted = London.At(2026, 6, 30, 9);
        var late = London.FromUtc(2026, 7, 1, 22, 30); // 23:30 BST
        var record = NewRecord().ThenAll(Referral(at: admitted), Admission(at: admitted), Visit("v-late", Nurse, late));

        var loaded = JsonSerializer.Deserialize<CareRecord>(record.ToJson(), Json)!;

        var visit = Assert.Single(loaded.Visits);
        Assert.Equal((late, TimeSpan.FromHours(1)), (visit.Start, visit.Start.Offset));
        Assert.Equal(new DateOnly(2026, 7, 1), CareTime.DateOf(visit.Start));
        Assert.All(loaded.History, e => Assert.Equal(TimeSpan.FromHours(1), e.At.Offset));
    }
}
