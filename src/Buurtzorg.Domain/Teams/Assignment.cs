using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Teams;

/// <summary>
/// Named-nurse continuity: who is named for a client and who backs them up. Named and backup together cover the
/// client's needs; named caseloads stay balanced relative to contracted hours; ties break on the nurse id so the same
/// team always decides the same way.
/// </summary>
public static class Assignment
{
    public sealed record Pair(string Named, string? Backup);

    /// <summary>Members available on a day: on the team and not on leave.</summary>
    public static IReadOnlyList<TeamMember> Available(Team team, DateOnly day) =>
        team.Members.Where(m => !m.IsOnLeave(day)).OrderBy(m => m.NurseId, StringComparer.Ordinal).ToList();

    /// <summary>Chooses a named nurse and backup for a new client, or says why none can be chosen.</summary>
    public static (Pair? Pair, DeclineReason? Problem) Choose(Team team, ImmutableSortedSet<Skill> needs, DateOnly day)
    {
        var available = Available(team, day);
        if (available.Count < 2) return (null, DeclineReason.NotEnoughMembers);
        var loads = Loads(team);
        var best = (from named in available
                    from backup in available
                    where named.NurseId != backup.NurseId && needs.IsSubsetOf(named.Skills.Union(backup.Skills))
                    orderby NamedLoad(loads, named, 1), BackupLoad(loads, backup, 1), named.NurseId, backup.NurseId
                    select new Pair(named.NurseId, backup.NurseId)).FirstOrDefault();
        return best is null ? (null, DeclineReason.NoSkillCover) : (best, null);
    }

    /// <summary>Checks a pair the team chose itself.</summary>
    public static Pair Explicit(Team team, string namedId, string? backupId, ImmutableSortedSet<Skill> needs, DateOnly day)
    {
        var named = AvailableMember(team, namedId, day, "named nurse");
        var backup = backupId is null ? null : AvailableMember(team, backupId, day, "backup nurse");
        if (backup is not null && backup.NurseId == named.NurseId)
            throw CareRuleException.Invalid("The named nurse and the backup must be two different members.");
        var covered = backup is null ? named.Skills : named.Skills.Union(backup.Skills);
        var missing = needs.Except(covered);
        if (!missing.IsEmpty)
            throw CareRuleException.Precondition($"The chosen nurses do not cover the client's needs: {string.Join(", ", missing)}.", "NO_SKILL_COVER");
        return new Pair(named.NurseId, backup?.NurseId);
    }

    /// <summary>
    /// Repairs assignments whose named nurse or backup is no longer available (left the team or on leave today):
    /// the backup becomes named and a new backup is chosen; assignments of available nurses do not move.
    /// </summary>
    public static (Team Team, ImmutableList<Handover> Handovers) Repair(Team team, DateOnly day)
    {
        var available = Available(team, day);
        var availableIds = available.Select(m => m.NurseId).ToHashSet(StringComparer.Ordinal);
        var loads = Loads(team);
        var handovers = ImmutableList.CreateBuilder<Handover>();
        var caseload = team.Caseload.ToBuilder();
        for (var i = 0; i < caseload.Count; i++)
        {
            var entry = caseload[i];
            var namedOk = availableIds.Contains(entry.NamedNurseId);
            var backupOk = entry.BackupNurseId is not null && availableIds.Contains(entry.BackupNurseId);
            if (namedOk && (backupOk || available.Count < 2)) continue;

            var named = namedOk ? entry.NamedNurseId
                : backupOk ? entry.BackupNurseId!
                : PickNamed(available, loads, entry.Needs);
            if (named is null) continue; // nobody available at all: the assignment waits for a member to return
            var backup = PickBackup(available, loads, entry.Needs, named);
            if (named == entry.NamedNurseId && backup == entry.BackupNurseId) continue;

            Move(loads, entry, named, backup);
            caseload[i] = entry with { NamedNurseId = named, BackupNurseId = backup };
            handovers.Add(new Handover(entry.ClientId, entry.NamedNurseId, named, entry.BackupNurseId, backup));
        }
        return handovers.Count == 0 ? (team, []) : (team with { Caseload = caseload.ToImmutable() }, handovers.ToImmutable());
    }

    private static TeamMember AvailableMember(Team team, string nurseId, DateOnly day, string what)
    {
        var member = team.Member(nurseId)
            ?? throw CareRuleException.Precondition($"The {what} is not a member of this team.", "NOT_A_MEMBER");
        if (member.IsOnLeave(day)) throw CareRuleException.Precondition($"The {what} is on leave today.", "ON_LEAVE");
        return member;
    }

    private static string? PickNamed(IReadOnlyList<TeamMember> available, Dictionary<string, Load> loads, ImmutableSortedSet<Skill> needs) =>
        available.OrderByDescending(m => needs.Count(m.Skills.Contains))
            .ThenBy(m => NamedLoad(loads, m, 1))
            .ThenBy(m => m.NurseId, StringComparer.Ordinal)
            .FirstOrDefault()?.NurseId;

    private static string? PickBackup(IReadOnlyList<TeamMember> available, Dictionary<string, Load> loads, ImmutableSortedSet<Skill> needs, string named)
    {
        var namedSkills = available.First(m => m.NurseId == named).Skills;
        var stillNeeded = needs.Except(namedSkills);
        return available.Where(m => m.NurseId != named)
            .OrderByDescending(m => stillNeeded.Count(m.Skills.Contains))
            .ThenBy(m => BackupLoad(loads, m, 1))
            .ThenBy(m => m.NurseId, StringComparer.Ordinal)
            .FirstOrDefault()?.NurseId;
    }

    private sealed class Load
    {
        public int Named;
        public int Backup;
    }

    private static Dictionary<string, Load> Loads(Team team)
    {
        var loads = team.Members.ToDictionary(m => m.NurseId, _ => new Load(), StringComparer.Ordinal);
        foreach (var entry in team.Caseload)
        {
            if (loads.TryGetValue(entry.NamedNurseId, out var named)) named.Named++;
            if (entry.BackupNurseId is { } b && loads.TryGetValue(b, out var backup)) backup.Backup++;
        }
        return loads;
    }

    private static void Move(Dictionary<string, Load> loads, CaseloadEntry entry, string named, string? backup)
    {
        if (loads.TryGetValue(entry.NamedNurseId, out var oldNamed)) oldNamed.Named--;
        if (entry.BackupNurseId is { } ob && loads.TryGetValue(ob, out var oldBackup)) oldBackup.Backup--;
        loads[named].Named++;
        if (backup is not null) loads[backup].Backup++;
    }

    private static decimal NamedLoad(Dictionary<string, Load> loads, TeamMember m, int extra) =>
        (loads[m.NurseId].Named + extra) / Math.Max(m.HoursPerWeek, 1m);

    private static decimal BackupLoad(Dictionary<string, Load> loads, TeamMember m, int extra) =>
        (loads[m.NurseId].Backup + extra) / Math.Max(m.HoursPerWeek, 1m);
}
