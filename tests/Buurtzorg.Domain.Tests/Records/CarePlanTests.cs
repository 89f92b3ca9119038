using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class CarePlanTests
{
    [Fact]
    public void The_first_referral_gives_the_record_its_nhs_number_and_details()
    {
        var record = NewRecord().Then(Referral());

        Assert.Equal(Nhs, record.NhsNumber);
        Assert.Equal(FamilyName, record.Demographics!.FamilyName);
        Assert.False(record.IsOnCaseload);
        Assert.Single(record.Referrals);
    }

    [Fact]
    public void Admission_opens_an_episode_on_the_team_caseload_with_the_referral_needs()
    {
        var record = Admitted();

        var episode = Assert.IsType<Episode>(record.OpenEpisode);
        Assert.Equal("ep-1", episode.EpisodeId);
        Assert.Equal(Team, episode.TeamId);
        Assert.Equal(Monday, episode.AdmittedAt);
        Assert.Equal([Skill.WoundCare], episode.Needs);
        Assert.True(record.IsOnCaseload);
    }

    [Fact]
    public void A_care_plan_holds_problems_goals_and_interventions_with_their_ratings()
    {
        var record = WithCarePlan();

        var skin = Assert.Single(record.ActiveProblems);
        Assert.Equal(OmahaProblem.Skin, skin.Problem);
        Assert.Equal(OmahaDomain.Physiological, skin.Domain);
        Assert.Equal(["Venous leg ulcer, left calf"], skin.Signs);
        Assert.Equal(new OutcomeRating(2, 2, 2), skin.FirstRating!.Rating);
        Assert.Equal("goal-heal", Assert.Single(record.Goals).GoalId);
        var dressing = Assert.Single(record.Interventions);
        Assert.Equal(("prob-skin", CareType.Nursing), (dressing.ProblemId, dressing.CareType));
    }

    [Fact]
    public void The_outcome_change_is_the_latest_rating_minus_the_first()
    {
        var record = WithCarePlan().ThenAll(
            Rating("prob-skin", new(3, 2, 3), Day(14)),
            Rating("prob-skin", new(4, 4, 3), Day(28)));

        var skin = record.ActiveProblem("prob-skin")!;
        Assert.Equal(3, skin.Ratings.Count);
        Assert.Equal(new OutcomeRating(2, 2, 2), skin.FirstRating!.Rating);
        Assert.Equal(new OutcomeRating(4, 4, 3), skin.LatestRating!.Rating);
        Assert.Equal(new OutcomeChange(2, 2, 1), skin.Change);
    }

    [Fact]
    public void An_unrated_problem_has_no_outcome_change()
    {
        var record = Admitted().Then(Problem("prob-pain", OmahaProblem.Pain));

        Assert.Null(record.ActiveProblem("prob-pain")!.Change);
    }

    [Fact]
    public void Resolving_a_problem_ends_its_interventions_and_frees_it_to_be_added_again()
    {
        var record = WithCarePlan().Then(new ProblemResolved("e-resolve", Day(40), Nurse, "prob-skin"));

        Assert.Empty(record.ActiveProblems);
        Assert.NotNull(Assert.Single(record.Problems).ResolvedAt);
        Assert.Empty(record.Interventions);

        record = record.Then(Problem("prob-skin-2", OmahaProblem.Skin));
        Assert.Equal("prob-skin-2", Assert.Single(record.ActiveProblems).ProblemId);
    }

    [Fact]
    public void Stopping_an_intervention_takes_it_off_the_active_plan()
    {
        var record = WithCarePlan().Then(new InterventionStopped("e-stop", Day(10), Nurse, "int-dressing"));

        Assert.Empty(record.Interventions);
        Assert.Single(record.ActiveProblems);
    }

    [Fact]
    public void A_scheduled_review_sets_the_next_review_date()
    {
        var record = WithCarePlan().Then(new ReviewScheduled("e-review", Monday, Nurse, MondayDate.AddDays(28)));

        Assert.Equal(MondayDate.AddDays(28), record.NextReviewOn);
    }

    [Fact]
    public void Without_a_reablement_intervention_there_is_no_reablement_period()
    {
        Assert.Null(WithCarePlan().ReablementEndsOn);
    }

    [Fact]
    public void Reablement_runs_six_weeks_from_the_first_reablement_intervention_of_the_episode()
    {
        var record = WithCarePlan().ThenAll(
            Problem("prob-walk", OmahaProblem.NeuromusculoskeletalFunction),
            Intervention("int-stairs", "prob-walk", CareType.Reablement, at: Day(2)),
            Intervention("int-kitchen", "prob-walk", CareType.Reablement, at: Day(9)));

        Assert.Equal(MondayDate.AddDays(2), record.ReablementStartedOn);
        Assert.Equal(MondayDate.AddDays(2 + 42), record.ReablementEndsOn);
    }

    [Fact]
    public void Each_renewal_extends_reablement_by_six_weeks_from_its_current_end()
    {
        var record = WithCarePlan().ThenAll(
            Problem("prob-walk", OmahaProblem.NeuromusculoskeletalFunction),
            Intervention("int-stairs", "prob-walk", CareType.Reablement),
            new ReablementRenewed("e-renew-1", Day(40), Nurse),
            new ReablementRenewed("e-renew-2", Day(80), Nurse));

        Assert.Equal(MondayDate.AddDays(42 * 3), record.ReablementEndsOn);
    }

    [Fact]
    public void Discharge_closes_the_episode_with_final_ratings_and_clears_the_care_plan()
    {
        var record = WithCarePlan()
            .Then(new ReviewScheduled("e-review", Monday, Nurse, MondayDate.AddDays(28)))
            .Then(Discharge(at: Day(60), finalRatings: new ProblemRating("prob-skin", new(5, 4, 5))));

        Assert.Null(record.OpenEpisode);
        Assert.False(record.IsOnCaseload);
        var past = Assert.Single(record.PastEpisodes);
        Assert.Equal((Day(60), DischargeReason.GoalsMet), (past.DischargedAt!.Value, past.DischargeReason!.Value));
        var outcome = Assert.Single(past.Outcomes);
        Assert.Equal(OmahaProblem.Skin, outcome.Problem);
        Assert.Equal(new OutcomeChange(3, 2, 3), outcome.Change);
        Assert.Empty(record.Problems);
        Assert.Empty(record.Goals);
        Assert.Empty(record.Interventions);
        Assert.Null(record.NextReviewOn);
    }

    [Fact]
    public void A_second_referral_after_discharge_starts_a_new_episode_with_a_fresh_care_plan()
    {
        var record = WithCarePlan().Then(Discharge(at: Day(60)))
            .Then(Referral("ref-2", at: Day(200)))
            .Then(Admission("ep-2", "ref-2", at: Day(201)));

        Assert.Equal("ep-2", record.OpenEpisode!.EpisodeId);
        Assert.Single(record.PastEpisodes);
        Assert.Empty(record.Problems);
    }

    [Fact]
    public void The_network_holds_informal_and_formal_members_until_removed()
    {
        var record = Admitted().ThenAll(
            Member("mem-daughter"),
            Member("mem-gp", NetworkRole.GeneralPractitioner, "Dr Patel"),
            new NetworkMemberRemoved("e-remove-gp", Day(3), Nurse, "mem-gp"));

        var daughter = Assert.Single(record.Network);
        Assert.Equal(("mem-daughter", NetworkKind.Informal), (daughter.MemberId, daughter.Kind));
    }
}
