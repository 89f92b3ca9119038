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
        var refusal = await Denied(() => team.Referrals(null));
        Assert.Equal("This belongs to another team.", refusal.Message);
        await Denied(() => record.Get());
        await Denied(() => record.Append(new NoteAdded(Ids.Derive("note", NewRequest()), DateTimeOffset.UtcNow, "nurse-test", "n", "Should not land.")));

        ClusterFixture.ActAsNurseOf(team.GetPrimaryKeyString());
        Assert.DoesNotContain((await record.Get()).History, e => e is NoteAdded);
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
        await Denied(() => fixture.Grains.GetGrain<INhsIndexGrain>("nhs-000").Find(NhsNumber.ForTesting(1)));
        await Denied(() => fixture.Grains.GetGrain<INurseGrain>(entry.NamedNurseId).LeaveTeam(team.GetPrimaryKeyString()));
        Assert.NotNull((await record.Get()).OpenEpisode);
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
        var accesses = await record.Accesses();
        var access = Assert.Single(accesses, a => a.Role == Role.OutOfHours);
        Assert.Equal(("ooh-1", "read record", "Night call: client fell"), (access.Subject, access.Action, access.Reason));
        ClusterFixture.ActAs(null);
        for (var i = 0; i < 50 && !(await team.Get()).CaseloadOf(entry.ClientId)!.ActiveFlags.Contains(Domain.Teams.CaseloadFlag.OutOfHoursAccess); i++)
            await Task.Delay(100);
        Assert.Contains(Domain.Teams.CaseloadFlag.OutOfHoursAccess, (await team.Get()).CaseloadOf(entry.ClientId)!.ActiveFlags);
    }
}
