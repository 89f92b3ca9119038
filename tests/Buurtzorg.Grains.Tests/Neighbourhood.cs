using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;

namespace Buurtzorg.Grains.Tests;

/// <summary>Builds the people of a test story through the grains, each test with its own fresh ids.</summary>
internal sealed class Neighbourhood(IGrainFactory grains)
{
    private static int _nhs = 5000;

    public static string NewRequest() => Guid.NewGuid().ToString("N");

    public static NhsNumber NextNhsNumber() => NhsNumber.ForTesting(Interlocked.Increment(ref _nhs));

    public async Task<ITeamGrain> ActiveTeam(int nurses = 4, string footprint = "E3")
    {
        var requestId = NewRequest();
        var team = grains.GetGrain<ITeamGrain>(Ids.Derive("team", requestId));
        await team.Apply(requestId, new ApplyTeamCommand("Bow East", [PostcodeArea.Parse(footprint)], ["Bow Health Centre"], null));
        await team.Approve(NewRequest());
        for (var i = 0; i < nurses; i++) await team.Join(NewRequest(), await Nurse());
        return team;
    }

    public async Task<string> Nurse(decimal hours = 37.5m)
    {
        var requestId = NewRequest();
        var nurse = await grains.GetGrain<INurseGrain>(Ids.Derive("nurse", requestId)).Register(requestId,
            new RegisterNurseCommand("Test Nurse", NurseRole.RegisteredNurse, "12A3456B", hours, [Skill.WoundCare, Skill.DiabetesCare, Skill.PersonalCare]));
        return nurse.Id;
    }

    public static ReferCommand Referral(NhsNumber? nhs = null, string postcode = "E3 2AB", params Skill[] needs) =>
        new(ReferralSource.GeneralPractitioner, nhs ?? NextNhsNumber(),
            new Demographics("Ada", "Lovelace-Test", new DateOnly(1941, 3, 2), "1 Test Street", Postcode.Parse(postcode), null),
            needs.Length == 0 ? [Skill.WoundCare] : needs, "test");
}
