using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Teams.TeamFactory;

namespace Buurtzorg.Domain.Tests.Teams;

public sealed class HandoverTests
{
    [Fact]
    public void When_a_nurse_leaves_each_client_they_were_named_for_passes_to_their_backup_and_nothing_else_moves()
    {
        var before = Active(FullTimers(6)).WithClients(30);
        var leaver = before.Caseload[0].NamedNurseId;

        var (after, departure) = before.Leave(leaver, "req-leave", Monday);

        Assert.Null(after.Member(leaver));
        foreach (var old in before.Caseload)
        {
            var now = after.CaseloadOf(old.ClientId)!;
            if (old.NamedNurseId == leaver)
            {
                Assert.Equal(old.BackupNurseId, now.NamedNurseId);
                Assert.NotNull(now.BackupNurseId);
                Assert.NotEqual(now.NamedNurseId, now.BackupNurseId);
                Assert.NotEqual(leaver, now.BackupNurseId);
            }
            else if (old.BackupNurseId == leaver)
            {
                Assert.Equal(old.NamedNurseId, now.NamedNurseId);
                Assert.NotEqual(leaver, now.BackupNurseId);
            }
            else
            {
                Assert.Equal(old, now);
            }
        }
        Assert.Equal(before.Caseload.Count(c => c.NamedNurseId == leaver || c.BackupNurseId == leaver), departure.Handovers.Count);
        Assert.DoesNotContain(after.Caseload, c => c.NamedNurseId == leaver || c.BackupNurseId == leaver);
    }

    [Fact]
    public void A_retried_leave_answers_with_the_same_handovers_and_changes_nothing()
    {
        var team = Active(FullTimers(5)).WithClients(10);
        var (once, first) = team.Leave("n01", "req-1", Monday);
        var (twice, second) = once.Leave("n01", "req-1", Monday.AddSeconds(3));
        Assert.Same(once, twice);
        Assert.Equal(first, second);
    }

    [Fact]
    public void When_a_nurse_starts_leave_their_named_clients_pass_to_their_backups_and_stay_there_after_they_return()
    {
        var team = Active(FullTimers(5)).WithClients(20);
        var named = team.Caseload.Where(c => c.NamedNurseId == "n02").ToList();
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);

        var (away, handovers) = team.StartLeave("n02", new LeavePeriod(today, today.AddDays(13), "annual leave"), Monday);

        Assert.NotEmpty(named);
        Assert.All(named, c => Assert.Equal(c.BackupNurseId, away.CaseloadOf(c.ClientId)!.NamedNurseId));
        Assert.Contains(handovers, h => h.PreviousNamedNurseId == "n02");
        Assert.NotNull(away.Member("n02"));

        var back = away.EndLeave("n02", Monday.AddDays(3));
        Assert.False(back.Member("n02")!.IsOnLeave(today.AddDays(3)));
        Assert.Equal(away.Caseload, back.Caseload);
    }

    [Fact]
    public void Leave_planned_for_later_moves_nobody_today()
    {
        var team = Active(FullTimers(4)).WithClients(8);
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        var (planned, handovers) = team.StartLeave("n01", new LeavePeriod(today.AddDays(7), today.AddDays(10), null), Monday);
        Assert.Empty(handovers);
        Assert.Equal(team.Caseload, planned.Caseload);
    }

    [Fact]
    public void Planned_leave_hands_the_clients_over_on_its_first_day()
    {
        var team = Active(FullTimers(4)).WithClients(8);
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        var (planned, _) = team.StartLeave("n01", new LeavePeriod(today.AddDays(7), today.AddDays(10), null), Monday);

        Assert.Empty(Assignment.Repair(planned, today.AddDays(6)).Handovers);
        var (onLeave, handovers) = Assignment.Repair(planned, today.AddDays(7));

        Assert.NotEmpty(handovers);
        Assert.DoesNotContain(onLeave.Caseload, c => c.NamedNurseId == "n01" || c.BackupNurseId == "n01");
        Assert.Empty(Assignment.Repair(onLeave, today.AddDays(7)).Handovers); // repairing again moves nobody
    }

    [Fact]
    public void A_member_on_leave_is_not_named_for_new_clients()
    {
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        var (team, _) = Active(FullTimers(3)).StartLeave("n01", new LeavePeriod(today, today.AddDays(1), null), Monday);
        var admitted = team.WithClients(6);
        Assert.DoesNotContain(admitted.Caseload, c => c.NamedNurseId == "n01" || c.BackupNurseId == "n01");
    }
}
