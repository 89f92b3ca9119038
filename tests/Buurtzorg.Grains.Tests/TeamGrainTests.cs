using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Buurtzorg.Grains.Security;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class TeamGrainTests(ClusterFixture fixture)
{
    private readonly Neighbourhood _people = new(fixture.Grains);

    private static async Task<RuleRefusedException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RuleRefusedException>(call);

    [Fact]
    public async Task A_retried_referral_lands_once_and_a_second_referral_of_the_same_NHS_number_finds_the_same_client()
    {
        var bow = await _people.ActiveTeam();
        var poplar = await _people.ActiveTeam(footprint: "E14");
        var nhs = NextNhsNumber();
        var requestId = NewRequest();

        var first = await bow.Refer(requestId, Referral(nhs));
        var retried = await bow.Refer(requestId, Referral(nhs));
        var elsewhere = await poplar.Refer(NewRequest(), Referral(nhs, "E14 7HQ"));

        Assert.Equal((first.ReferralId, first.ClientId, first.ReceivedAt), (retried.ReferralId, retried.ClientId, retried.ReceivedAt));
        Assert.Single((await bow.Referrals(ReferralStatus.Waiting, null, 100)).Items);
        Assert.Equal(first.ClientId, elsewhere.ClientId);
        ClusterFixture.ActAsNurseOf(poplar.GetPrimaryKeyString()); // the record's team is the one that referred last
        var record = await fixture.Grains.GetGrain<IClientGrain>(first.ClientId).Get();
        Assert.Equal(nhs, record.NhsNumber);
    }

    [Fact]
    public async Task A_client_on_one_teams_caseload_is_refused_by_another_team_and_that_team_changes_nothing()
    {
        var bow = await _people.ActiveTeam();
        var other = await _people.ActiveTeam();
        var nhs = NextNhsNumber();
        var atBow = await bow.Refer(NewRequest(), Referral(nhs));
        await bow.Admit(NewRequest(), atBow.ReferralId, null, null);
        var atOther = await other.Refer(NewRequest(), Referral(nhs));

        var refusal = await Refused(() => other.Admit(NewRequest(), atOther.ReferralId, null, null));

        Assert.Equal(RuleViolation.FailedPrecondition, refusal.Violation);
        Assert.Equal("ON_ANOTHER_CASELOAD", refusal.Reason);
        var team = await other.Get();
        Assert.Empty(team.Caseload);
        Assert.Equal(ReferralStatus.Waiting, team.Referral(atOther.ReferralId)!.Status);
    }

    [Fact]
    public async Task Concurrent_admissions_never_take_the_caseload_past_capacity()
    {
        var team = await _people.ActiveTeam();
        await team.SetPolicy(NewRequest(), CapacityPolicy.Default with { MaxClients = 5 });
        var referrals = new List<Referral>();
        for (var i = 0; i < 12; i++) referrals.Add(await team.Refer(NewRequest(), Referral()));

        var outcomes = await Task.WhenAll(referrals.Select(async r =>
        {
            try { await team.Admit(NewRequest(), r.ReferralId, null, null); return "admitted"; }
            catch (RuleRefusedException e) { return e.Reason; }
        }));

        Assert.Equal(5, outcomes.Count(o => o == "admitted"));
        Assert.Equal(7, outcomes.Count(o => o == "AT_CAPACITY"));
        Assert.Equal(5, (await team.Get()).Caseload.Count);
    }

    [Fact]
    public async Task A_nurse_belongs_to_one_team_at_a_time()
    {
        var bow = await _people.ActiveTeam(nurses: 0);
        var poplar = await _people.ActiveTeam(nurses: 0);
        var nurse = await _people.Nurse();
        await bow.Join(NewRequest(), nurse);

        var refusal = await Refused(() => poplar.Join(NewRequest(), nurse));
        Assert.Equal("IN_ANOTHER_TEAM", refusal.Reason);
        Assert.Empty((await poplar.Get()).Members);

        await bow.Leave(NewRequest(), nurse);
        await poplar.Join(NewRequest(), nurse);
        ClusterFixture.ActAs(new Caller(nurse, Role.Nurse, null)); // a nurse may always read their own profile
        Assert.Equal(poplar.GetPrimaryKeyString(), (await fixture.Grains.GetGrain<INurseGrain>(nurse).Get()).TeamId);
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task A_retried_discharge_answers_the_same_and_the_client_can_then_be_admitted_elsewhere()
    {
        var bow = await _people.ActiveTeam();
        var poplar = await _people.ActiveTeam();
        var nhs = NextNhsNumber();
        var referral = await bow.Refer(NewRequest(), Referral(nhs));
        var admitted = await bow.Admit(NewRequest(), referral.ReferralId, null, null);
        var discharge = new DischargeCommand(admitted.ClientId, DischargeReason.GoalsMet, "Healed", [], admitted.NamedNurseId);
        var requestId = NewRequest();

        var at = await bow.Discharge(requestId, discharge);
        var again = await bow.Discharge(requestId, discharge);

        Assert.Equal(at, again);
        Assert.Empty((await bow.Get()).Caseload);
        ClusterFixture.ActAsNurseOf(bow.GetPrimaryKeyString());
        var record = await fixture.Grains.GetGrain<IClientGrain>(admitted.ClientId).Get();
        Assert.Null(record.OpenEpisode);
        ClusterFixture.ActAs(null);

        var second = await poplar.Refer(NewRequest(), Referral(nhs));
        var readmitted = await poplar.Admit(NewRequest(), second.ReferralId, null, null);
        Assert.Equal(admitted.ClientId, readmitted.ClientId);
    }

    [Fact]
    public async Task Discharging_a_client_who_is_not_on_the_caseload_is_refused()
    {
        var team = await _people.ActiveTeam();
        var refusal = await Refused(() => team.Discharge(NewRequest(), new DischargeCommand("c-0000000000000000", DischargeReason.Other, null, [], "n-1")));
        Assert.Equal(RuleViolation.FailedPrecondition, refusal.Violation);
    }

    [Fact]
    public async Task Closing_a_team_frees_its_members_to_join_another()
    {
        var closing = await _people.ActiveTeam(nurses: 2);
        var members = (await closing.Get()).Members.Select(m => m.NurseId).ToList();

        var closed = await closing.Close(NewRequest());

        Assert.Equal(TeamStatus.Closed, closed.Status);
        var next = await _people.ActiveTeam(nurses: 0);
        foreach (var nurse in members) await next.Join(NewRequest(), nurse);
        Assert.Equal(2, (await next.Get()).Members.Count);
    }

    [Fact]
    public async Task An_unknown_team_is_not_found()
    {
        var refusal = await Refused(() => fixture.Grains.GetGrain<ITeamGrain>("team-unknown").Get());
        Assert.Equal(RuleViolation.NotFound, refusal.Violation);
    }

    [Fact]
    public async Task A_review_that_falls_due_raises_a_flag_on_the_caseload_and_a_new_review_date_clears_it()
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
        var client = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        await client.Append(new ReviewScheduled(Ids.Derive("e", NewRequest()), DateTimeOffset.UtcNow, entry.NamedNurseId, today));
        ClusterFixture.ActAs(null);
        var flagged = await Eventually(team, e => e.ActiveFlags.Contains(CaseloadFlag.ReviewDue));
        Assert.Equal(entry.ClientId, flagged.ClientId);

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        await client.Append(new ReviewScheduled(Ids.Derive("e", NewRequest()), DateTimeOffset.UtcNow, entry.NamedNurseId, today.AddDays(28)));
        ClusterFixture.ActAs(null);
        await Eventually(team, e => e.ActiveFlags.IsEmpty);
    }

    private static async Task<CaseloadEntry> Eventually(ITeamGrain team, Func<CaseloadEntry, bool> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await team.Get()).Caseload.FirstOrDefault(condition) is { } entry) return entry;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("The caseload never reached the expected state within 10 seconds.");
    }

    [Fact]
    public async Task Team_continuity_is_computed_from_the_visits_each_clients_record_reports()
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
        var client = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);
        var start = DateTimeOffset.UtcNow.AddHours(-4);
        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        foreach (var nurse in new[] { entry.NamedNurseId, entry.NamedNurseId, entry.NamedNurseId, entry.BackupNurseId! })
        {
            var id = Ids.Derive("visit", NewRequest());
            await client.Append(new VisitRecorded(id, DateTimeOffset.UtcNow, nurse, id, nurse, start, 30, 25, [], null, false));
            start = start.AddMinutes(40);
        }

        ClusterFixture.ActAs(null);
        // The record tells its team one-way: the team has it soon after the last visit is answered.
        var continuity = await Arrival.Eventually(() => team.Continuity(), c => c.Clients.Sum(x => x.Visits) == 4);

        var only = Assert.Single(continuity.Clients);
        Assert.Equal(4, only.Visits);
        Assert.Equal(0.75, only.Upc!.Value, 10);
        Assert.Equal(0.5, only.Coc!.Value, 10);
        Assert.Equal(0.75, only.NamedNurseShare!.Value, 10);
        Assert.Equal(0.75, continuity.MedianUpc!.Value, 10);
    }
}
