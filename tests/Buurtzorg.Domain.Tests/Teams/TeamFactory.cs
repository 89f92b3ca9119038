using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Tests.Teams;

/// <summary>Teams as a story needs them: an active team in Bow (E3) with the members the test names.</summary>
internal static class TeamFactory
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static readonly ImmutableSortedSet<Skill> Generalist =
        [Skill.WoundCare, Skill.DiabetesCare, Skill.MedicinesAdministration, Skill.PersonalCare];

    public static Team Active(params TeamMember[] members)
    {
        var team = Team.Apply("team-bow", "Bow East", [PostcodeArea.Parse("E3 2"), PostcodeArea.Parse("E14")], ["Bow Health Centre"], null, Monday).Approve();
        return members.Aggregate(team, (t, m) => t.Join(m));
    }

    public static TeamMember Member(string id, decimal hours = 37.5m, ImmutableSortedSet<Skill>? skills = null, NurseRole role = NurseRole.RegisteredNurse) =>
        new(id, $"Nurse {id}", role, hours, skills ?? Generalist, Monday, []);

    public static TeamMember[] FullTimers(int count) => Enumerable.Range(1, count).Select(i => Member($"n{i:D2}")).ToArray();

    public static Referral Referral(int n, string sector = "E3 2", params Skill[] needs) =>
        new($"ref-{n}", $"c-{n}", ReferralSource.GeneralPractitioner,
            (needs.Length == 0 ? [Skill.WoundCare] : needs).ToImmutableSortedSet(), sector, Monday, ReferralStatus.Waiting, null, null);

    public static Team ReferAndAdmit(this Team team, int n, string sector = "E3 2", params Skill[] needs) =>
        team.Refer(Referral(n, sector, needs)).Admit($"ref-{n}", Monday).Team;

    public static Team WithClients(this Team team, int count) =>
        Enumerable.Range(1, count).Aggregate(team, (t, n) => t.ReferAndAdmit(n));
}
