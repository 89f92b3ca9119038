using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class VisitTests
{
    [Fact]
    public void A_visit_is_recorded_in_the_current_episode_with_the_interventions_done()
    {
        var record = WithCarePlan().Then(Visit("visit-1", Nurse, Day(1), interventionsDone: "int-dressing"));

        var visit = Assert.Single(record.Visits);
        Assert.Equal(("ep-1", Nurse), (visit.EpisodeId, visit.NurseId));
        Assert.Equal(["int-dressing"], visit.InterventionsDone);
    }

    [Fact]
    public void A_visit_may_start_up_to_five_minutes_ahead_of_the_clock()
    {
        var record = WithCarePlan();
        var early = Visit("visit-1", Nurse, Day(1));

        var accepted = CareRecordRules.RecordVisit(record, early, now: Day(1).AddMinutes(-5));

        Assert.Equal(Day(1), accepted.Start);
    }

    [Fact]
    public void Visits_by_nurse_count_the_current_episode_and_leave_out_out_of_hours_visits()
    {
        var record = WithCarePlan().ThenAll(
            Visit("visit-1", Nurse, Day(1)),
            Visit("visit-2", Nurse, Day(3)),
            Visit("visit-3", OtherNurse, Day(5)),
            Visit("visit-4", "nurse-night", Day(5, hour: 23), outOfHours: true));

        Assert.Equal(new Dictionary<string, int> { [Nurse] = 2, [OtherNurse] = 1 }, record.VisitsByNurse());
    }

    [Fact]
    public void Visits_by_nurse_can_span_the_episodes_of_the_visits_kept()
    {
        var record = WithCarePlan().ThenAll(
                Visit("visit-1", Nurse, Day(1)),
                Discharge(at: Day(10)),
                Referral("ref-2", at: Day(20)),
                Admission("ep-2", "ref-2", at: Day(21)))
            .Then(Visit("visit-2", OtherNurse, Day(22)));

        Assert.Equal(new Dictionary<string, int> { [OtherNurse] = 1 }, record.VisitsByNurse());
        Assert.Equal(new Dictionary<string, int> { [Nurse] = 1, [OtherNurse] = 1 }, record.VisitsByNurse(currentEpisodeOnly: false));
    }

    [Fact]
    public void Visits_older_than_the_window_leave_the_present_but_still_count_for_their_episode()
    {
        var record = WithCarePlan().ThenAll(
            Visit("visit-1", Nurse, Day(1)),
            Visit("visit-2", OtherNurse, Day(1 + RecordState.KeptDays + 1)));

        Assert.Equal(["visit-2"], record.Visits.Select(v => v.VisitId));
        Assert.Equal(new Dictionary<string, int> { [Nurse] = 1, [OtherNurse] = 1 }, record.VisitsByNurse());
        Assert.Equal(2, record.Tally.Visits);
        Assert.True(record.EverAdded<VisitRecorded>("visit-1"));
    }

    [Fact]
    public void After_discharge_no_visits_count_for_the_current_episode()
    {
        var record = WithCarePlan().Then(Visit("visit-1", Nurse, Day(1))).Then(Discharge(at: Day(60)));

        Assert.Empty(record.VisitsByNurse());
        Assert.Null(record.DirectCareShare());
        Assert.Single(record.Visits);
    }

    [Fact]
    public void The_direct_care_share_is_direct_minutes_over_visit_minutes_of_the_current_episode()
    {
        var record = WithCarePlan().ThenAll(
            Visit("visit-1", Nurse, Day(1), minutes: 60, directMinutes: 45),
            Visit("visit-2", OtherNurse, Day(2), minutes: 40, directMinutes: 15));

        Assert.Equal(0.6, record.DirectCareShare()!.Value, precision: 10);
    }

    [Fact]
    public void Without_visits_there_is_no_direct_care_share() => Assert.Null(WithCarePlan().DirectCareShare());
}
