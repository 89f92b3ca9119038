using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Teams.TeamFactory;

namespace Buurtzorg.Domain.Tests.Teams;

public sealed class AdmissionTests
{
    private static CareRuleException Refusal(Team team, int n, string sector = "E3 2", params Skill[] needs) =>
        Assert.Throws<CareRuleException>(() => team.Refer(Referral(n, sector, needs)).Admit($"ref-{n}", Monday));

    [Fact]
    public void Capacity_defaults_to_sixty_clients_and_six_per_full_time_member()
    {
        Assert.Equal(60, Active(FullTimers(10)).Capacity);
        Assert.Equal(60, Active(FullTimers(12)).Capacity); // 72 by FTE, capped at 60
        Assert.Equal(48, Active(FullTimers(8)).Capacity);
        var partTimers = Active([.. FullTimers(6), Member("p1", 18.75m), Member("p2", 18.75m)]);
        Assert.Equal(7m, partTimers.FullTimeEquivalents);
        Assert.Equal(42, partTimers.Capacity);
    }

    [Fact]
    public void The_sixtieth_client_is_admitted_and_the_sixty_first_is_declined_because_the_caseload_is_full()
    {
        var team = Active(FullTimers(10)).WithClients(59);
        Assert.Equal(59, team.Caseload.Count);

        team = team.ReferAndAdmit(60);
        Assert.Equal(60, team.Caseload.Count);

        var refusal = Refusal(team, 61);
        Assert.Equal(RuleViolation.FailedPrecondition, refusal.Violation);
        Assert.Equal("AT_CAPACITY", refusal.Reason);
        Assert.Contains("60 of 60", refusal.Message);
        Assert.Equal(60, team.Caseload.Count);
    }

    [Fact]
    public void A_client_living_outside_the_footprint_is_declined()
    {
        var team = Active(FullTimers(4));
        Assert.Equal("OUTSIDE_FOOTPRINT", Refusal(team, 1, "E3 3").Reason); // E3 2 is the only E3 sector
        Assert.Equal("OUTSIDE_FOOTPRINT", Refusal(team, 2, "E1 6").Reason);
        Assert.Single(team.ReferAndAdmit(3, "E14 7").Caseload); // all of E14 is in the footprint
    }

    [Fact]
    public void A_referral_for_personal_care_alone_is_declined_for_want_of_a_health_need()
    {
        var refusal = Refusal(Active(FullTimers(4)), 1, "E3 2", Skill.PersonalCare);
        Assert.Equal("NO_HEALTH_NEED", refusal.Reason);
    }

    [Fact]
    public void A_team_of_one_cannot_name_a_nurse_and_a_backup() =>
        Assert.Equal("NOT_ENOUGH_MEMBERS", Refusal(Active(Member("solo")), 1).Reason);

    [Fact]
    public void A_need_no_two_members_can_cover_is_declined() =>
        Assert.Equal("NO_SKILL_COVER", Refusal(Active(FullTimers(4)), 1, "E3 2", Skill.PalliativeCare).Reason);

    [Fact]
    public void A_team_that_is_not_yet_approved_takes_no_referrals()
    {
        var applied = Team.Apply("team-new", "New", [PostcodeArea.Parse("E3")], [], null, Monday);
        Assert.Equal("TEAM_NOT_ACTIVE", Assert.Throws<CareRuleException>(() => applied.Refer(Referral(1))).Reason);
    }

    [Fact]
    public void Admitting_the_same_referral_twice_changes_nothing_the_second_time()
    {
        var team = Active(FullTimers(4)).Refer(Referral(1));
        var (once, entry) = team.Admit("ref-1", Monday);
        var (twice, again) = once.Admit("ref-1", Monday.AddMinutes(5));
        Assert.Same(once, twice);
        Assert.Equal(entry, again);
    }

    [Fact]
    public void A_declined_referral_cannot_be_admitted_and_a_discharged_clients_old_referral_cannot_readmit()
    {
        var team = Active(FullTimers(4)).Refer(Referral(1)).Decline("ref-1", DeclineReason.TeamChoice, Monday);
        Assert.Equal("REFERRAL_DECLINED", Assert.Throws<CareRuleException>(() => team.Admit("ref-1", Monday)).Reason);

        var discharged = Active(FullTimers(4)).ReferAndAdmit(2).Discharge("c-2").Team;
        Assert.Equal("REFERRAL_CLOSED", Assert.Throws<CareRuleException>(() => discharged.Admit("ref-2", Monday)).Reason);
    }

    [Fact]
    public void Named_and_backup_together_cover_the_clients_needs()
    {
        var wound = Member("wound", skills: [Skill.WoundCare]);
        var palliative = Member("palliative", skills: [Skill.PalliativeCare]);
        var other = Member("other", skills: [Skill.PersonalCare]);
        var entry = Active(wound, palliative, other).Refer(Referral(1, "E3 2", Skill.WoundCare, Skill.PalliativeCare)).Admit("ref-1", Monday).Entry;
        Assert.Equal(["palliative", "wound"], new[] { entry.NamedNurseId, entry.BackupNurseId! }.Order());
    }

    [Fact]
    public void Named_caseloads_stay_balanced_relative_to_contracted_hours()
    {
        var team = Active(Member("full-a"), Member("full-b"), Member("half-a", 18.75m), Member("half-b", 18.75m)).WithClients(18);
        var named = team.Caseload.GroupBy(c => c.NamedNurseId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, named["full-a"]);
        Assert.Equal(6, named["full-b"]);
        Assert.Equal(3, named["half-a"]);
        Assert.Equal(3, named["half-b"]);
        Assert.All(team.Caseload, c => Assert.NotEqual(c.NamedNurseId, c.BackupNurseId));
    }

    [Fact]
    public void The_team_may_choose_the_named_nurse_itself_but_not_one_who_lacks_the_skills()
    {
        var team = Active(Member("a"), Member("b"), Member("c", skills: [Skill.PersonalCare]), Member("d", skills: [Skill.PersonalCare])).Refer(Referral(1));
        var entry = team.Admit("ref-1", Monday, "b", "a").Entry;
        Assert.Equal(("b", "a"), (entry.NamedNurseId, entry.BackupNurseId));

        var refusal = Assert.Throws<CareRuleException>(() => team.Admit("ref-1", Monday, "c", "d"));
        Assert.Equal("NO_SKILL_COVER", refusal.Reason);
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => team.Admit("ref-1", Monday, "a", "a")).Violation);
        Assert.Equal("NOT_A_MEMBER", Assert.Throws<CareRuleException>(() => team.Admit("ref-1", Monday, "stranger", "a")).Reason);
    }

    [Fact]
    public void Discharging_a_client_not_on_the_caseload_is_refused()
    {
        var refusal = Assert.Throws<CareRuleException>(() => Active(FullTimers(4)).Discharge("c-404"));
        Assert.Equal(RuleViolation.FailedPrecondition, refusal.Violation);
        Assert.Equal("NOT_ON_CASELOAD", refusal.Reason);
    }

    [Fact]
    public void Capacity_policy_outside_sane_bounds_is_refused_and_the_policy_stays()
    {
        var team = Active(FullTimers(4));
        Assert.Throws<CareRuleException>(() => team.WithPolicy(CapacityPolicy.Default with { MaxClients = 0 }));
        Assert.Throws<CareRuleException>(() => team.WithPolicy(CapacityPolicy.Default with { FullTimeHours = 80 }));
        Assert.Equal(CapacityPolicy.Default, team.Policy);
        Assert.Equal(20, team.WithPolicy(CapacityPolicy.Default with { MaxClients = 20 }).Capacity);
    }

    [Fact]
    public void Staffing_flags_follow_the_policy()
    {
        Assert.True(Active(FullTimers(3)).BelowSafeStaffing);
        Assert.False(Active(FullTimers(4)).BelowSafeStaffing);
        Assert.False(Active(FullTimers(12)).SplitSuggested);
        Assert.True(Active(FullTimers(13)).SplitSuggested);
    }

    [Fact]
    public void A_flag_is_raised_once_and_cleared_and_a_discharged_client_takes_none()
    {
        var team = Active(FullTimers(4)).ReferAndAdmit(1);
        var flagged = team.Flag("c-1", CaseloadFlag.ReviewDue, raised: true);
        Assert.Equal([CaseloadFlag.ReviewDue], flagged.CaseloadOf("c-1")!.ActiveFlags);
        Assert.Same(flagged, flagged.Flag("c-1", CaseloadFlag.ReviewDue, raised: true));
        Assert.Empty(flagged.Flag("c-1", CaseloadFlag.ReviewDue, raised: false).CaseloadOf("c-1")!.ActiveFlags);
        Assert.Same(team, team.Flag("c-404", CaseloadFlag.ReablementEnding, raised: true));
    }

    [Fact]
    public void Closing_a_team_with_clients_is_refused()
    {
        var team = Active(FullTimers(4)).ReferAndAdmit(1);
        Assert.Equal("CASELOAD_NOT_EMPTY", Assert.Throws<CareRuleException>(() => team.Close()).Reason);
        Assert.Equal(TeamStatus.Closed, team.Discharge("c-1").Team.Close().Status);
    }
}
