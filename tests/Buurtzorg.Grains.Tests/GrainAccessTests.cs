using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Security;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>The access rules hold at the grains too: a caller that reaches them without going through gRPC is held to them.</summary>
[Collection(SharedCluster.Name)]
public sealed class GrainAccessTests(ClusterFixture fixture)
{
    private readonly Neighbourhood _people = new(fixture.Grains);

    private static async Task<RuleRefusedException> Denied(Func<Task> call)
    {
        var refusal = await Assert.ThrowsAsync<RuleRefusedException>(call);
        Assert.Equal(RuleViolation.PermissionDenied, refusal.Violation);
        return refusal;
    }

    [Fact]
    public async Task A_call_without_an_identity_or_with_a_forged_one_is_refused_and_changes_nothing()
    {
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();

        ClusterFixture.ActAs(ClusterFixture.Nobody);
        await Denied(() => team.Get());
        await Denied(() => team.SetPolicy(NewRequest(), Domain.Teams.CapacityPolicy.Default with { MaxClients = 1 }));
        ClusterFixture.ActAsForger(new Caller("nurse-x", Role.Nurse, teamId));
        await Denied(() => team.Get());
        await Denied(() => team.Refer(NewRequest(), Referral()));

        ClusterFixture.ActAs(null);
        var unchanged = await team.Get();
        Assert.Equal(60, unchanged.Policy.MaxClients);
        Assert.Empty(unchanged.Referrals);
    }

    [Fact]
    public async Task A_nurse_of_another_team_reaches_neither_the_team_nor_its_clients_records()
    {
        var team = await _people.ActiveTeam();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);
        var record = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);

        ClusterFixture.ActAsNurseOf("team-elsewhere");
        var refusal = await Denied(() => team.Referrals(null, null, 100));
        Assert.Equal("This belongs to another team.", refusal.Message);
        await Denied(() => record.Get());
        await Denied(() => record.Append(new NoteAdded(Ids.Derive("note", NewRequest()), DateTimeOffset.UtcNow, "nurse-test", "n", "Should not land.")));

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        Assert.DoesNotContain((await record.History(0, 500)).Entries, e => e.Entry is NoteAdded);
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task A_nurse_who_left_is_refused_the_team_its_day_and_its_records_at_once_whatever_her_token_says()
    {
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);
        var record = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);
        var leaver = (await team.Get()).Members.First(m => m.NurseId != entry.NamedNurseId).NurseId;
        var herToken = new Caller(leaver, Role.Nurse, teamId);
        ClusterFixture.ActAs(herToken);
        Assert.NotNull(await record.Get());

        ClusterFixture.ActAs(null);
        await team.Leave(NewRequest(), leaver);

        ClusterFixture.ActAs(herToken);
        Assert.Equal(AccessPolicy.NotAMember, (await Denied(() => record.Get())).Message);
        Assert.Equal(AccessPolicy.NotAMemberReason, (await Denied(() => record.Accesses(0, 100))).Reason);
        await Denied(() => record.Append(new NoteAdded(Ids.Derive("note", NewRequest()), DateTimeOffset.UtcNow, leaver, "n", "Should not land.")));
        await Denied(() => team.Get());
        await Denied(() => team.Referrals(null, null, 100));
        await Denied(() => fixture.Grains.GetGrain<ITeamDayGrain>(ITeamDayGrain.KeyOf(teamId, DateOnly.FromDateTime(DateTime.UtcNow))).VisitsDue());
        await Denied(() => fixture.Grains.GetGrain<IOnCallGrain>(teamId).Review(DateOnly.FromDateTime(DateTime.UtcNow)));
        await Denied(() => fixture.Grains.GetGrain<INurseGrain>(entry.NamedNurseId).Get());
        Assert.Null((await fixture.Grains.GetGrain<INurseGrain>(leaver).Get()).TeamId); // her own profile stays hers

        ClusterFixture.ActAsNurseOf(teamId);
        Assert.DoesNotContain((await record.History(0, 500)).Entries, e => e.Entry is NoteAdded);
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task A_nurse_of_another_team_holding_a_token_that_names_this_team_is_refused()
    {
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);
        var elsewhere = await _people.ActiveTeam(nurses: 1);
        var stranger = (await elsewhere.Get()).Members.Single().NurseId;

        ClusterFixture.ActAs(new Caller(stranger, Role.Nurse, teamId));
        Assert.Equal(AccessPolicy.NotAMember, (await Denied(() => fixture.Grains.GetGrain<IClientGrain>(entry.ClientId).Get())).Message);
        await Denied(() => team.Get());
        await Denied(() => team.Join(NewRequest(), stranger));
        ClusterFixture.ActAs(null);
        Assert.DoesNotContain((await team.Get()).Members, m => m.NurseId == stranger);
    }

    [Fact]
    public async Task A_new_team_is_joined_by_its_first_nurse_herself_and_then_only_by_its_members_adding_colleagues()
    {
        var team = await _people.ActiveTeam(nurses: 0);
        var teamId = team.GetPrimaryKeyString();
        var (first, second) = (await _people.Nurse(), await _people.Nurse());

        ClusterFixture.ActAs(new Caller(second, Role.Nurse, teamId));
        await Denied(() => team.Join(NewRequest(), first)); // not herself, and no member yet to vouch
        ClusterFixture.ActAs(new Caller(first, Role.Nurse, teamId));
        await team.Join(NewRequest(), first);
        ClusterFixture.ActAs(new Caller(second, Role.Nurse, teamId));
        await Denied(() => team.Join(NewRequest(), second)); // the team has members now: one of them adds her
        ClusterFixture.ActAs(new Caller(first, Role.Nurse, teamId));
        Assert.Equal([first, second], (await team.Join(NewRequest(), second)).Members.Select(m => m.NurseId));
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task Records_asking_their_team_about_membership_never_wait_on_a_team_that_is_calling_them()
    {
        // The team calls every record for continuity while nurses open the same records, each of which asks the team
        // whether the nurse is a member: the question is interleaved, so neither side waits on the other.
        var team = await _people.ActiveTeam();
        var teamId = team.GetPrimaryKeyString();
        var clients = new List<string>();
        for (var i = 0; i < 5; i++) clients.Add((await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null)).ClientId);

        ClusterFixture.ActAsNurseOf(teamId);
        for (var round = 0; round < 10; round++)
        {
            var calls = clients.Select(c => (Task)fixture.Grains.GetGrain<IClientGrain>(c).Get())
                .Concat(Enumerable.Range(0, 3).Select(_ => (Task)team.Continuity()))
                .Concat(clients.Select(c => (Task)fixture.Grains.GetGrain<IClientGrain>(c).Accesses(0, 100)));
            // A deadlock would end in Orleans' response timeout (TimeoutException).
            await Task.WhenAll(calls);
        }
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task Steps_only_the_team_takes_cannot_be_called_from_outside()
    {
        var team = await _people.ActiveTeam();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        var record = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);
        await Denied(() => record.CloseEpisode(new EpisodeClosed("e-x", DateTimeOffset.UtcNow, "nurse-test", "ep-x", DischargeReason.Other, null, [])));
        await Denied(() => fixture.Grains.GetGrain<INhsIndexGrain>("nhs-000").Resolve(NhsNumber.ForTesting(1)));
        await Denied(() => fixture.Grains.GetGrain<INurseGrain>(entry.NamedNurseId).LeaveTeam(team.GetPrimaryKeyString()));
        Assert.NotNull((await record.Get()).OpenEpisode);
        // Finding a record by NHS number is a lookup for those who may read records (the record checks the team): not
        // for the central office.
        ClusterFixture.ActAs(new Caller("office-test", Role.CentralOffice, null));
        await Denied(() => fixture.Grains.GetGrain<INhsIndexGrain>("nhs-000").Find(NhsNumber.ForTesting(1)));
        ClusterFixture.ActAs(null);
    }

    [Fact]
    public async Task The_out_of_hours_service_opens_a_record_only_with_a_reason_and_the_team_sees_the_access()
    {
        var team = await _people.ActiveTeam();
        var entry = await team.Admit(NewRequest(), (await team.Refer(NewRequest(), Referral())).ReferralId, null, null);
        var record = fixture.Grains.GetGrain<IClientGrain>(entry.ClientId);

        ClusterFixture.ActAs(new Caller("ooh-1", Role.OutOfHours, null));
        await Denied(() => record.Get());
        ClusterFixture.ActAs(new Caller("ooh-1", Role.OutOfHours, null, "Night call: client fell"));
        Assert.NotNull(await record.Get());
        await Denied(() => record.Append(new NoteAdded(Ids.Derive("note", NewRequest()), DateTimeOffset.UtcNow, "ooh-1", "n", "Not theirs to write.")));

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        var accesses = (await record.Accesses(0, 1000)).Lines;
        // The refused attempts are kept too, without the reason stated.
        Assert.Equal(
            [("ooh-1", "denied read record", null), ("ooh-1", "read record", "Night call: client fell"), ("ooh-1", "denied write note_added", null)],
            accesses.Where(a => a.Role == Role.OutOfHours).Select(a => (a.Subject, a.Action, a.Reason)));
        ClusterFixture.ActAs(null);
        for (var i = 0; i < 50 && !(await team.Get()).CaseloadOf(entry.ClientId)!.ActiveFlags.Contains(Domain.Teams.CaseloadFlag.OutOfHoursAccess); i++)
            await Task.Delay(100);
        Assert.Contains(Domain.Teams.CaseloadFlag.OutOfHoursAccess, (await team.Get()).CaseloadOf(entry.ClientId)!.ActiveFlags);
    }
}
