using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Buurtzorg.Grains.Security;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>
/// A team decision that needs a step on another grain (a referral, an admission or a discharge on the client's record;
/// a nurse joining, leaving, or released as the team closes) converges without the app: a failure between any two of
/// its writes leaves the step in the team's outbox, and the team's reminder or its next activation finishes it. The
/// other grain's refusal undoes the decision; a retry with the same request id answers the same and applies nothing twice.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class TeamStepTests(ClusterFixture fixture)
{
    private readonly Neighbourhood _people = new(fixture.Grains);

    /// <summary>How the team is brought to finish what it left pending, without the app sending anything again.</summary>
    public enum Nudge
    {
        /// <summary>Its reminder ticks.</summary>
        Reminder = 1,

        /// <summary>It is deactivated (as when its silo went) and activated again by any call.</summary>
        Reactivation,
    }

    /// <summary>Each point between two writes, each way of finishing without the app.</summary>
    public static TheoryData<StepPoint, Nudge> EveryInterruption => new()
    {
        { StepPoint.Taking, Nudge.Reminder },
        { StepPoint.Taking, Nudge.Reactivation },
        { StepPoint.Taken, Nudge.Reminder },
        { StepPoint.Taken, Nudge.Reactivation },
    };

    /// <summary>A database outage before the step, a lost answer (timeout) after it: each leaves a different half done.</summary>
    private static Exception FailureAt(StepPoint point) => point == StepPoint.Taking
        ? new StorageUnavailableException("The care records store is not reachable just now.")
        : new TimeoutException("The step's answer never came back.");

    private async Task Finish(ITeamGrain team, Nudge nudge)
    {
        if (nudge == Nudge.Reminder)
        {
            await team.AsReference<IRemindable>().ReceiveReminder(TeamGrain.StepReminder, default);
            return;
        }
        await fixture.Cluster.DeactivateAsync(team);
        ClusterFixture.ActAs(new Caller("office-test", Role.CentralOffice, null)); // whoever calls: the central office here
        await team.Get();
        ClusterFixture.ActAs(null);
    }

    private Task<TeamState> Stored(ITeamGrain team) => Tests.Stored.Read<TeamState>(fixture, "team", team.GetGrainId());

    private static async Task<T> AsNurseOf<T>(ITeamGrain team, Func<Task<T>> read)
    {
        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        try
        {
            return await read();
        }
        finally
        {
            ClusterFixture.ActAs(null);
        }
    }

    private Task<RecordView> RecordOf(ITeamGrain team, string clientId) =>
        AsNurseOf(team, () => fixture.Grains.GetGrain<IClientGrain>(clientId).Get());

    private async Task<int> EntriesOf<T>(ITeamGrain team, string clientId) where T : RecordEntry =>
        (await AsNurseOf(team, () => fixture.Grains.GetGrain<IClientGrain>(clientId).History(0, 100))).Entries.Count(e => e.Entry is T);

    private async Task<string?> TeamOfNurse(string nurseId)
    {
        ClusterFixture.ActAs(new Caller(nurseId, Role.Nurse, null)); // a nurse may always read her own profile
        try
        {
            return (await fixture.Grains.GetGrain<INurseGrain>(nurseId).Get()).TeamId;
        }
        finally
        {
            ClusterFixture.ActAs(null);
        }
    }

    private static async Task<StorageUnavailableException> Unfinished(Func<Task> call)
    {
        var unavailable = await Assert.ThrowsAsync<StorageUnavailableException>(call);
        Assert.True(unavailable.OutcomeUnknown); // recorded, to be finished: "send it again with the same request id"
        Assert.True(unavailable.FinishedByItself); // the team stays active: the step waits for the reminder or the retry
        return unavailable;
    }

    [Theory, MemberData(nameof(EveryInterruption))]
    public async Task A_referral_interrupted_between_its_writes_reaches_the_inbox_without_the_app_and_a_retry_adds_nothing(StepPoint point, Nudge nudge)
    {
        var team = await _people.ActiveTeam();
        var (requestId, nhs) = (NewRequest(), NextNhsNumber());
        ClusterFixture.Faults.Arm(team, point, FailureAt(point));

        await Unfinished(() => team.Refer(requestId, Referral(nhs)));
        var pending = await Stored(team);
        Assert.IsType<ReceiveReferralStep>(Assert.Single(pending.Outbox));
        Assert.Empty(pending.Team!.Referrals); // the inbox shows it once the record holds it

        await Finish(team, nudge);

        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        var referral = Assert.Single(stored.Team!.Referrals);
        Assert.Equal(ReferralStatus.Waiting, referral.Status);
        var retried = await team.Refer(requestId, Referral(nhs));
        Assert.Equal((referral.ReferralId, referral.ClientId, referral.ReceivedAt), (retried.ReferralId, retried.ClientId, retried.ReceivedAt));
        Assert.Single((await Stored(team)).Team!.Referrals);
        Assert.Single((await RecordOf(team, referral.ClientId)).Referrals);
        Assert.Equal(1, await EntriesOf<ReferralReceived>(team, referral.ClientId));
    }

    [Theory, MemberData(nameof(EveryInterruption))]
    public async Task An_admission_interrupted_between_its_writes_lands_on_the_caseload_without_the_app_and_a_retry_answers_the_same(StepPoint point, Nudge nudge)
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var requestId = NewRequest();
        ClusterFixture.Faults.Arm(team, point, FailureAt(point));

        await Unfinished(() => team.Admit(requestId, referral.ReferralId, null, null));
        var pending = await Stored(team);
        Assert.IsType<OpenEpisodeStep>(Assert.Single(pending.Outbox));
        Assert.Empty(pending.Team!.Caseload); // the caseload shows the client once the record has opened the episode

        await Finish(team, nudge);

        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        var entry = Assert.Single(stored.Team!.Caseload);
        Assert.Equal(ReferralStatus.Admitted, stored.Team.Referral(referral.ReferralId)!.Status);
        Assert.Equal(team.GetPrimaryKeyString(), (await RecordOf(team, referral.ClientId)).OpenEpisode?.TeamId);
        var retried = await team.Admit(requestId, referral.ReferralId, null, null);
        Assert.Equal((entry.ClientId, entry.ReferralId, entry.NamedNurseId, entry.AdmittedAt),
            (retried.ClientId, retried.ReferralId, retried.NamedNurseId, retried.AdmittedAt));
        Assert.Single((await team.Get()).Caseload);
        Assert.Equal(1, await EntriesOf<EpisodeOpened>(team, referral.ClientId));
    }

    [Theory, MemberData(nameof(EveryInterruption))]
    public async Task A_discharge_interrupted_between_its_writes_closes_the_episode_and_frees_the_place_without_the_app(StepPoint point, Nudge nudge)
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
        var command = new DischargeCommand(entry.ClientId, DischargeReason.GoalsMet, "Healed", [], entry.NamedNurseId);
        var requestId = NewRequest();
        ClusterFixture.Faults.Arm(team, point, FailureAt(point));

        await Unfinished(() => team.Discharge(requestId, command));
        var pending = await Stored(team);
        Assert.IsType<CloseEpisodeStep>(Assert.Single(pending.Outbox));
        Assert.Single(pending.Team!.Caseload); // the client stays on the caseload until the record has closed the episode

        await Finish(team, nudge);

        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        Assert.Empty(stored.Team!.Caseload);
        var note = Assert.Single(stored.Discharges);
        var record = await RecordOf(team, entry.ClientId);
        Assert.Null(record.OpenEpisode);
        Assert.Single(record.PastEpisodes);
        Assert.Equal(note.At, await team.Discharge(requestId, command));
        Assert.Equal(1, await EntriesOf<EpisodeClosed>(team, entry.ClientId));
    }

    [Theory]
    [InlineData(StepPoint.Taking, Nudge.Reminder)]
    [InlineData(StepPoint.Taken, Nudge.Reactivation)]
    public async Task A_nurse_joining_when_interrupted_is_listed_without_the_app_and_belongs_to_that_team(StepPoint point, Nudge nudge)
    {
        var team = await _people.ActiveTeam(nurses: 2);
        var nurse = await _people.Nurse();
        var requestId = NewRequest();
        ClusterFixture.Faults.Arm(team, point, FailureAt(point));

        await Unfinished(() => team.Join(requestId, nurse));
        Assert.Equal(2, (await Stored(team)).Team!.Members.Count);

        await Finish(team, nudge);

        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        Assert.NotNull(stored.Team!.Member(nurse));
        Assert.Equal(team.GetPrimaryKeyString(), await TeamOfNurse(nurse));
        Assert.Equal(3, (await team.Join(requestId, nurse)).Members.Count);
    }

    [Theory, MemberData(nameof(EveryInterruption))]
    public async Task A_nurse_leaving_when_interrupted_is_released_without_the_app_and_her_clients_stay_handed_over(StepPoint point, Nudge nudge)
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
        var leaving = entry.NamedNurseId;
        var requestId = NewRequest();
        ClusterFixture.Faults.Arm(team, point, new SiloUnavailableException());

        await Unfinished(() => team.Leave(requestId, leaving));
        var pending = await Stored(team);
        Assert.IsType<LeaveTeamStep>(Assert.Single(pending.Outbox));
        Assert.Null(pending.Team!.Member(leaving)); // the decision stands: the nurse's grain cannot refuse it
        Assert.Equal(entry.BackupNurseId, pending.Team.CaseloadOf(entry.ClientId)!.NamedNurseId);

        await Finish(team, nudge);

        Assert.Empty((await Stored(team)).Outbox);
        Assert.Null(await TeamOfNurse(leaving));
        ClusterFixture.ActAs(new Caller(entry.BackupNurseId!, Role.Nurse, team.GetPrimaryKeyString())); // one who stayed
        var (again, departure) = await team.Leave(requestId, leaving);
        ClusterFixture.ActAs(null);
        Assert.Equal(entry.BackupNurseId, again.CaseloadOf(entry.ClientId)!.NamedNurseId);
        Assert.Equal(leaving, Assert.Single(departure.Handovers).PreviousNamedNurseId);
        var next = await _people.ActiveTeam(nurses: 0);
        await next.Join(NewRequest(), leaving);
    }

    [Theory]
    [InlineData(StepPoint.Taking)]
    [InlineData(StepPoint.Taken)]
    public async Task A_nurse_leaving_when_interrupted_is_answered_her_departure_when_the_app_sends_it_again_first(StepPoint point)
    {
        // The chaos run's case: the app's retry, not the reminder, is what finishes the step.
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
        var leaving = entry.NamedNurseId;
        var requestId = NewRequest();
        ClusterFixture.Faults.Arm(team, point, new SiloUnavailableException());
        await Unfinished(() => team.Leave(requestId, leaving));

        ClusterFixture.ActAs(new Caller(entry.BackupNurseId!, Role.Nurse, team.GetPrimaryKeyString()));
        var (again, departure) = await team.Leave(requestId, leaving);
        ClusterFixture.ActAs(null);

        Assert.Null(again.Member(leaving));
        Assert.Equal(leaving, Assert.Single(departure.Handovers).PreviousNamedNurseId);
        Assert.Empty((await Stored(team)).Outbox);
        Assert.Null(await TeamOfNurse(leaving));
    }

    [Theory]
    [InlineData(Nudge.Reminder)]
    [InlineData(Nudge.Reactivation)]
    public async Task A_closing_interrupted_before_a_member_is_told_releases_every_member_without_the_app(Nudge nudge)
    {
        var team = await _people.ActiveTeam(nurses: 2);
        var members = (await team.Get()).Members.Select(m => m.NurseId).ToList();
        ClusterFixture.Faults.Arm(team, StepPoint.Taking, new SiloUnavailableException());

        await Unfinished(() => team.Close(NewRequest()));
        var pending = await Stored(team);
        Assert.Equal(TeamStatus.Closed, pending.Team!.Status);
        Assert.IsType<LeaveTeamStep>(Assert.Single(pending.Outbox)); // the other member was told and recorded so

        await Finish(team, nudge);

        Assert.Empty((await Stored(team)).Outbox);
        foreach (var nurse in members) Assert.Null(await TeamOfNurse(nurse));
    }

    [Theory]
    [InlineData(StepPoint.Taking)]
    [InlineData(StepPoint.Taken)]
    public async Task Declining_a_referral_whose_admission_is_under_way_finishes_it_first_so_no_episode_is_left_off_the_caseload(StepPoint point)
    {
        var team = await _people.ActiveTeam();
        var referral = await team.Refer(NewRequest(), Referral());
        ClusterFixture.Faults.Arm(team, point, FailureAt(point));
        await Unfinished(() => team.Admit(NewRequest(), referral.ReferralId, null, null));

        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Decline(NewRequest(), referral.ReferralId, DeclineReason.TeamChoice));

        Assert.Equal("ALREADY_ADMITTED", refusal.Reason);
        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        Assert.Equal(referral.ClientId, Assert.Single(stored.Team!.Caseload).ClientId);
        Assert.Equal(team.GetPrimaryKeyString(), (await RecordOf(team, referral.ClientId)).OpenEpisode?.TeamId);
    }

    [Fact]
    public async Task An_admission_the_record_refuses_is_undone_even_when_the_undoing_fails_and_the_referral_can_then_be_declined()
    {
        var bow = await _people.ActiveTeam();
        var poplar = await _people.ActiveTeam();
        var nhs = NextNhsNumber();
        await bow.Admit(NewRequest(), (await bow.Refer(NewRequest(), Referral(nhs))).ReferralId, null, null);
        var atPoplar = await poplar.Refer(NewRequest(), Referral(nhs));

        // Refused as before, and nothing is left behind.
        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(() => poplar.Admit(NewRequest(), atPoplar.ReferralId, null, null));
        Assert.Equal("ON_ANOTHER_CASELOAD", refusal.Reason);
        Assert.Empty((await Stored(poplar)).Outbox);

        // Refused again, but the write that undoes it fails: the caller cannot be told it was refused (a later attempt
        // might succeed), and the decline that follows finishes the undoing first.
        ClusterFixture.Faults.Arm(poplar, StepPoint.Undoing, new StorageUnavailableException("The care records store is not reachable just now."));
        await Unfinished(() => poplar.Admit(NewRequest(), atPoplar.ReferralId, null, null));
        Assert.IsType<OpenEpisodeStep>(Assert.Single((await Stored(poplar)).Outbox));

        var declined = await poplar.Decline(NewRequest(), atPoplar.ReferralId, DeclineReason.OnAnotherCaseload);

        Assert.Equal(ReferralStatus.Declined, declined.Status);
        var stored = await Stored(poplar);
        Assert.Empty(stored.Outbox);
        Assert.Empty(stored.Team!.Caseload);
        Assert.Equal(bow.GetPrimaryKeyString(), (await RecordOf(bow, atPoplar.ClientId)).OpenEpisode?.TeamId);
    }

    [Fact]
    public async Task A_discharge_the_record_refuses_leaves_the_client_on_the_caseload_and_answers_as_before()
    {
        var team = await _people.ActiveTeam();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);
        var command = new DischargeCommand(entry.ClientId, DischargeReason.GoalsMet, null,
            [new FinalRating("problem-never-added", new OutcomeRating(3, 3, 3))], entry.NamedNurseId);

        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Discharge(NewRequest(), command));

        Assert.Equal(RuleViolation.NotFound, refusal.Violation);
        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        Assert.Empty(stored.Discharges);
        Assert.Single(stored.Team!.Caseload);
        Assert.NotNull((await RecordOf(team, entry.ClientId)).OpenEpisode);
    }

    [Fact]
    public async Task A_referral_whose_details_the_record_refuses_never_reaches_the_inbox()
    {
        var team = await _people.ActiveTeam();
        var blank = Referral() with { Details = Referral().Details with { FamilyName = " " } };

        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Refer(NewRequest(), blank));

        Assert.Equal(RuleViolation.InvalidArgument, refusal.Violation);
        var stored = await Stored(team);
        Assert.Empty(stored.Outbox);
        Assert.Empty(stored.Team!.Referrals);
    }

    [Fact]
    public async Task An_admission_under_way_holds_its_place_so_capacity_is_never_passed()
    {
        var team = await _people.ActiveTeam();
        await team.SetPolicy(NewRequest(), CapacityPolicy.Default with { MaxClients = 1 });
        var first = await team.Refer(NewRequest(), Referral());
        var second = await team.Refer(NewRequest(), Referral());
        ClusterFixture.Faults.Arm(team, StepPoint.Taking, FailureAt(StepPoint.Taking));
        await Unfinished(() => team.Admit(NewRequest(), first.ReferralId, null, null));

        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Admit(NewRequest(), second.ReferralId, null, null));

        Assert.Equal("AT_CAPACITY", refusal.Reason);
        await Finish(team, Nudge.Reminder);
        Assert.Equal(first.ClientId, Assert.Single((await team.Get()).Caseload).ClientId);
    }
}
