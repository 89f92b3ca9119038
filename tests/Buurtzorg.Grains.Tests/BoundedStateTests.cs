using System.Collections.Immutable;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Grains.Tests.Neighbourhood;

namespace Buurtzorg.Grains.Tests;

/// <summary>A team's stored state stays within its bounds however long the team runs, and a retry stays a retry.</summary>
[Collection(SharedCluster.Name)]
public sealed class BoundedStateTests(ClusterFixture fixture) : IDisposable
{
    private readonly Neighbourhood _people = new(fixture.Grains);

    public void Dispose() => Stored.RealTime(fixture);

    [Fact]
    public void The_request_log_keeps_an_id_for_seven_days_by_the_care_clock_then_lets_it_go()
    {
        var start = new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var log = RequestLog.Empty.Add("first", start);

        var sixDaysOn = log.Add("second", start.AddDays(6));
        var eightDaysOn = sixDaysOn.Add("third", start.AddDays(8));

        Assert.True(sixDaysOn.Contains("first"));
        Assert.False(eightDaysOn.Contains("first"));
        Assert.True(eightDaysOn.Contains("second"));
        Assert.Equal(2, eightDaysOn.Count);
        // A log left behind (a write that failed) still answers for itself, not for what was added after it.
        Assert.True(log.Contains("first"));
        Assert.False(log.Contains("second"));
        Assert.False(log.Add("other", start.AddMinutes(1)).Contains("second"));
    }

    [Fact]
    public void The_request_log_holds_at_most_its_capacity_however_many_writes_come_within_the_window()
    {
        var at = new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var log = RequestLog.Empty;
        for (var i = 0; i < RequestLog.Capacity + 500; i++) log = log.Add($"r{i}", at.AddSeconds(i));

        Assert.Equal(RequestLog.Capacity, log.Count);
        Assert.False(log.Contains("r499"));
        Assert.True(log.Contains("r500"));
        Assert.True(log.Contains($"r{RequestLog.Capacity + 499}"));
    }

    [Fact]
    public async Task A_team_state_stored_before_the_window_loads_and_its_request_ids_still_answer_a_retry()
    {
        var team = await _people.ActiveTeam(nurses: 2);
        var id = team.GetGrainId();
        var now = await Stored.Read<TeamState>(fixture, "team", id);
        var before = new TeamStateBeforeWindow
        {
            Team = now.Team,
            Requests = new RequestLogBeforeWindow(["join-long-ago"]),
            Discharges = now.Discharges,
        };
        await Stored.Overwrite<TeamState, TeamStateBeforeWindow>(fixture, "team", id, before);
        await fixture.Cluster.DeactivateAsync(team);

        // The old log loads: a join retried with its request id answers without joining anyone.
        var retried = await team.Join("join-long-ago", await _people.Nurse());
        Assert.Equal(2, retried.Members.Count);
        var stored = await Stored.Read<TeamState>(fixture, "team", id);
        Assert.True(stored.Requests.Contains("join-long-ago"));
        Assert.Empty(stored.Care);

        // And the first write after it stamps the old ids, which from then on age out like any other.
        await team.SetPolicy(NewRequest(), CapacityPolicy.Default with { MaxClients = 40 });
        var stamped = await Stored.Read<TeamState>(fixture, "team", id);
        Assert.True(stamped.Requests.Contains("join-long-ago"));
        Assert.NotNull(stamped.Requests.OldestAt);
    }

    [Fact]
    public async Task A_retried_write_after_the_request_window_is_answered_by_the_teams_own_rules_and_never_applied_twice()
    {
        var team = await _people.ActiveTeam();
        var (refer, decline, admit, discharge) = (NewRequest(), NewRequest(), NewRequest(), NewRequest());
        var declined = await team.Refer(NewRequest(), Referral());
        await team.Decline(decline, declined.ReferralId, DeclineReason.TeamChoice);
        var referral = await team.Refer(refer, Referral());
        var entry = await team.Admit(admit, referral.ReferralId, null, null);
        var command = new DischargeCommand(entry.ClientId, DischargeReason.GoalsMet, null, [], entry.NamedNurseId);

        Stored.Advance(fixture, RequestLog.Window + TimeSpan.FromDays(1));
        Assert.Equal(referral.ReferralId, (await team.Refer(refer, Referral())).ReferralId);
        var admitted = await team.Admit(admit, referral.ReferralId, null, null);
        Assert.Equal((entry.ClientId, entry.ReferralId, entry.AdmittedAt), (admitted.ClientId, admitted.ReferralId, admitted.AdmittedAt));
        Assert.Equal(ReferralStatus.Declined, (await team.Decline(decline, declined.ReferralId, DeclineReason.AtCapacity)).Status);
        var at = await team.Discharge(discharge, command);
        Stored.Advance(fixture, TimeSpan.FromDays(2));
        Assert.Equal(at, await team.Discharge(discharge, command));

        // Long after, with the team written since, the discharge note too has gone: the client is not on the caseload,
        // so the retry is refused; the decided referrals have left the team's state, so their retries are refused too.
        Stored.Advance(fixture, DischargeNote.Kept + TimeSpan.FromDays(1));
        await team.SetPolicy(NewRequest(), CapacityPolicy.Default with { MaxClients = 50 });
        var refused = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Discharge(discharge, command));
        Assert.Equal("NOT_ON_CASELOAD", refused.Reason);
        var state = await team.Get();
        Assert.Empty(state.Caseload);
        Assert.Empty(state.Referrals);
        var declinedAgain = await Assert.ThrowsAsync<RuleRefusedException>(() => team.Decline(decline, declined.ReferralId, DeclineReason.AtCapacity));
        Assert.Equal(Domain.Common.RuleViolation.NotFound, declinedAgain.Violation);
    }

    [Fact]
    public async Task Three_years_of_referrals_discharges_and_leave_leave_the_teams_stored_state_within_its_bounds()
    {
        var team = await _people.ActiveTeam();
        var id = team.GetGrainId();
        var members = (await team.Get()).Members.Select(m => m.NurseId).ToList();
        var sizes = new List<int>();
        for (var week = 0; week < 3 * 52; week++)
        {
            for (var i = 0; i < 3; i++)
            {
                var declined = await team.Refer(NewRequest(), Referral());
                await team.Decline(NewRequest(), declined.ReferralId, DeclineReason.TeamChoice);
            }
            var referral = await team.Refer(NewRequest(), Referral());
            var entry = await team.Admit(NewRequest(), referral.ReferralId, null, null);
            await team.Discharge(NewRequest(), new DischargeCommand(entry.ClientId, DischargeReason.GoalsMet, null, [], entry.NamedNurseId));
            if (week % 4 == 0)
            {
                var today = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CareClock>().Today;
                await team.StartLeave(NewRequest(), members[week / 4 % members.Count], new LeavePeriod(today.AddDays(1), today.AddDays(3), null));
            }
            if (week % 52 == 51) sizes.Add(Stored.Size(fixture, await Stored.Read<TeamState>(fixture, "team", id)));
            Stored.Advance(fixture, TimeSpan.FromDays(7) + TimeSpan.FromHours(1));
        }

        var state = await Stored.Read<TeamState>(fixture, "team", id);
        // 5 weeks of decisions at most (31 days), each week 3 declined and 1 admitted; 1 week of request ids (10 a week).
        Assert.InRange(state.Team!.Referrals.Count, 1, 5 * 4);
        Assert.InRange(state.Discharges.Count, 1, 5);
        Assert.InRange(state.Requests.Count, 1, 10);
        // Leave ends at most a year back: one period a month per member in turn over four members.
        Assert.All(state.Team.Members, m => Assert.InRange(m.Leave.Count, 0, 5));
        Assert.Empty(state.Care);
        // The stored row is the same size after the third year as after the first, give or take a few ids.
        Assert.InRange(sizes[2], sizes[0] - 512, sizes[0] + 512);
    }
}

/// <summary>The team's state as stored before the request window (field for field, under its [Id]s).</summary>
[GenerateSerializer, Alias("test.team-state-before-window")]
public sealed class TeamStateBeforeWindow : GrainState<TeamStateBeforeWindow>
{
    [Id(0)] public Team? Team { get; set; }
    [Id(1)] public RequestLogBeforeWindow Requests { get; set; } = new([]);
    [Id(2)] public ImmutableList<DischargeNote> Discharges { get; set; } = [];
}

/// <summary>The request log as stored before the window: ids in order, no times.</summary>
[GenerateSerializer, Immutable, Alias("test.request-log-before-window")]
public sealed record RequestLogBeforeWindow([property: Id(0)] ImmutableList<string> Recent);
