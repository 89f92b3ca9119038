using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;

namespace Buurtzorg.CentralOffice.Tests;

/// <summary>
/// The scripted sequence the central office must follow, through the real gRPC API: a new team without members, four
/// full-time nurses joining (capacity 24), admissions up to capacity, a referral declined for capacity, a nurse leaving
/// (below safe staffing), then members joining until there are thirteen (a split is suggested).
/// </summary>
public static class TeamStory
{
    public static async Task Run(OfficeHost host)
    {
        var app = host.App();
        var team = await app.ActiveTeam();
        var id = team.TeamId;
        await host.Eventually(id, f => Has(f, AlertKind.BelowSafeStaffing), "a new team without members below safe staffing");

        var nurses = new List<Nurse>();
        for (var i = 0; i < 4; i++)
        {
            var nurse = await app.RegisterNurse();
            nurses.Add(nurse);
            await app.Join(id, nurse);
        }
        var staffed = await host.Eventually(id, f => f.Members == 4 && f.Alerts.Count == 0, "four members and no alerts");
        Assert.Equal(24, staffed.Capacity);
        Assert.Equal(4.0, staffed.FullTimeEquivalents);

        for (var i = 0; i < 21; i++) await app.Admitted(id);
        var busy = await host.Eventually(id, f => f.Caseload == 21, "21 clients");
        Assert.Empty(busy.Alerts); // 21 of 24 is under the 90 % threshold

        await app.Admitted(id);
        var near = await host.Eventually(id, f => f.Caseload == 22 && Has(f, AlertKind.NearCapacity), "near capacity at 22 of 24");
        Assert.False(Has(near, AlertKind.AtCapacity));

        await app.Admitted(id);
        await app.Admitted(id);
        var full = await host.Eventually(id, f => f.Caseload == 24 && Has(f, AlertKind.AtCapacity), "at capacity at 24 of 24");
        Assert.False(Has(full, AlertKind.NearCapacity));
        Assert.Equal(6.0, full.ClientsPerFte);

        var refused = await app.Referrals.ReferAsync(TeamApp.Referral(id));
        await app.Referrals.DeclineAsync(new DeclineRequest
        {
            RequestId = TeamApp.NewRequest(),
            TeamId = id,
            ReferralId = refused.Referral.ReferralId,
            Reason = DeclineReason.AtCapacity,
        });
        var declined = await host.Eventually(id, f => f.Last7Days.Declines == 1, "one decline");
        Assert.Equal(24, declined.Last7Days.Admissions);
        Assert.Equal(24, declined.Last28Days.Admissions);
        Assert.Equal(1, declined.Last7Days.DeclinesByReason["AT_CAPACITY"]);
        Assert.Equal(0, declined.ReferralsWaiting);

        await app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = TeamApp.NewRequest(), TeamId = id, NurseId = nurses[0].NurseId });
        var shrunk = await host.Eventually(id, f => f.Members == 3 && Has(f, AlertKind.BelowSafeStaffing), "a nurse leaving: below safe staffing");
        Assert.True(Has(shrunk, AlertKind.AtCapacity)); // 24 clients, capacity now 18
        Assert.Equal(18, shrunk.Capacity);
        Assert.Contains(shrunk.Alerts, a => a.Kind == AlertKind.BelowSafeStaffing && a.Message.Contains("3 members", StringComparison.Ordinal));

        for (var members = 3; members < 12; members++) await app.Join(id, await app.RegisterNurse());
        var twelve = await host.Eventually(id, f => f.Members == 12, "twelve members");
        Assert.Empty(twelve.Alerts); // staffed, capacity 60, and 12 is not more than 12

        await app.Join(id, await app.RegisterNurse());
        var thirteen = await host.Eventually(id, f => f.Members == 13 && Has(f, AlertKind.SplitSuggested), "a 13th member: split suggested");
        Assert.Equal([AlertKind.SplitSuggested], thirteen.Alerts.Select(a => a.Kind));

        // The organisation sees the same, and the alert list holds only what is open.
        var open = await host.Office.ListAlertsAsync(new ListAlertsRequest());
        Assert.Contains(open.Alerts, a => a.TeamId == id && a.Kind == AlertKind.SplitSuggested);
        Assert.DoesNotContain(open.Alerts, a => a.TeamId == id && a.Kind != AlertKind.SplitSuggested);
        var history = await host.Office.GetTeamFiguresAsync(new GetTeamFiguresRequest { TeamId = id, Days = 7 });
        Assert.Equal(13, Assert.Single(history.History).Figures.Members);
    }

    private static bool Has(TeamFigures figures, AlertKind kind) => figures.Alerts.Any(a => a.Kind == kind);
}
