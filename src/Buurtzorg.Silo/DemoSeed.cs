using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Silo;

/// <summary>
/// A small neighbourhood to look at right away: two teams in Tower Hamlets, eight members each, about forty clients
/// each with named nurses. Every NHS number is from the test range; every name is made up.
/// </summary>
public static class DemoSeed
{
    private static readonly (string Name, string[] Footprint)[] Teams =
    [
        ("Bow East", ["E3 2", "E3 3", "E3 5"]),
        ("Poplar Riverside", ["E14 0", "E14 6", "E14 7"]),
    ];

    private static readonly string[] GivenNames = ["Ada", "Bill", "Cora", "Dev", "Edna", "Frank", "Gita", "Hal", "Iris", "Joe"];
    private static readonly string[] FamilyNames = ["Archer", "Begum", "Carter", "Das", "Evans", "Fox", "Gold", "Hussain"];
    private static readonly Skill[][] SkillSets =
    [
        [Skill.WoundCare, Skill.DiabetesCare, Skill.MedicinesAdministration, Skill.Venepuncture],
        [Skill.PalliativeCare, Skill.MedicinesAdministration, Skill.CatheterCare],
        [Skill.DementiaCare, Skill.PersonalCare, Skill.ContinenceCare],
        [Skill.WoundCare, Skill.StomaCare, Skill.RespiratoryCare, Skill.Venepuncture],
    ];

    /// <summary>The first nurse of the demo's team <paramref name="team"/> (0, 1, …), a member to sign in as.</summary>
    public static string NurseOf(int team) => Ids.Derive("nurse", $"demo-nurse-{team}-0");

    public static async Task<string> Run(IServiceProvider services)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        // The demo acts as the people who would: the central office for teams and registrations, each team's nurse for the rest.
        var seal = services.GetRequiredService<CallerSeal>();
        var office = new Caller("demo-office", Role.CentralOffice, null);
        var clients = 0;
        var referralNumber = 0;
        for (var t = 0; t < Teams.Length; t++)
        {
            var (name, footprint) = Teams[t];
            var teamId = Ids.Derive("team", $"demo-team-{t}");
            var team = grains.GetGrain<ITeamGrain>(teamId);
            // Each team's first nurse joins it herself and acts for the team after: the grains check she is a member.
            var nurse = new Caller(NurseOf(t), Role.Nurse, teamId);
            seal.Attach(office);
            await team.Apply($"demo-team-{t}", new ApplyTeamCommand(name, footprint.Select(PostcodeArea.Parse).ToList(), ["Demo Health Centre"], null));
            await team.Approve($"demo-approve-{t}");
            for (var n = 0; n < 8; n++)
            {
                var requestId = $"demo-nurse-{t}-{n}";
                var assistant = n % 4 == 3;
                await grains.GetGrain<INurseGrain>(Ids.Derive("nurse", requestId)).Register(requestId, new RegisterNurseCommand(
                    $"{GivenNames[(t * 8 + n) % GivenNames.Length]} {FamilyNames[n]} (demo)",
                    assistant ? NurseRole.NursingAssistant : NurseRole.RegisteredNurse,
                    assistant ? null : $"{10 + n:D2}A{1000 + t * 10 + n:D4}B",
                    n % 3 == 0 ? 30m : 37.5m,
                    assistant ? [Skill.PersonalCare, Skill.DementiaCare, Skill.ContinenceCare] : [.. SkillSets[n % SkillSets.Length], Skill.PersonalCare]));
                seal.Attach(nurse);
                await team.Join($"demo-join-{t}-{n}", Ids.Derive("nurse", requestId));
                seal.Attach(office);
            }
            seal.Attach(nurse);
            for (var c = 0; c < 40; c++, referralNumber++)
            {
                var sector = footprint[c % footprint.Length];
                var details = new Demographics(GivenNames[c % GivenNames.Length], $"{FamilyNames[c % FamilyNames.Length]}-Demo",
                    new DateOnly(1930 + c % 50, 1 + c % 12, 1 + c % 28), $"{c + 1} Demo Street", Postcode.Parse($"{sector}AB"), null);
                Skill[] needs = (c % 4) switch
                {
                    0 => [Skill.WoundCare],
                    1 => [Skill.DiabetesCare, Skill.PersonalCare],
                    2 => [Skill.PalliativeCare],
                    _ => [Skill.DementiaCare, Skill.ContinenceCare],
                };
                var referral = await team.Refer($"demo-refer-{t}-{c}", new ReferCommand(ReferralSource.GeneralPractitioner,
                    NhsNumber.ForTesting(referralNumber), details, needs, "demo"));
                await team.Admit($"demo-admit-{t}-{c}", referral.ReferralId, null, null);
                clients++;
            }
        }
        var firstTeam = Ids.Derive("team", "demo-team-0");
        return $"Demo neighbourhood seeded: {Teams.Length} teams, {Teams.Length * 8} nurses, {clients} clients. Try:\n" +
               $"  TOKEN=$(dotnet run --project src/Buurtzorg.Silo -- token --role nurse --team {firstTeam} --subject {NurseOf(0)})\n" +
               $"  dotnet run --project src/Buurtzorg.Silo -- call buurtzorg.v1.TeamService/GetCaseload '{{\"teamId\":\"{firstTeam}\"}}' --token \"$TOKEN\"";
    }
}
