using System.Globalization;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.CentralOffice.Tests;

public sealed class OnCallFiguresTests
{
    [Fact]
    public async Task The_nights_calls_reach_the_teams_figures()
    {
        await using var host = await OfficeHost.Start("--CentralOffice:CareRefresh", "00:00:00.500");
        var app = host.App();
        var team = await app.TeamWithNurses(4);
        var client = await app.Admitted(team.TeamId);
        var night = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);
        var nurse = app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));
        host.CareClock.Set(new DateTimeOffset(night.ToDateTime(new TimeOnly(18, 0)), TimeSpan.Zero));
        await nurse.OnCall.SetOnCallAsync(new SetOnCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            Night = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            NurseId = client.NamedNurseId,
        });
        host.CareClock.Set(new DateTimeOffset(night.ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero));
        foreach (var minutes in new[] { 0, 30 })
        {
            await nurse.OnCall.LogCallAsync(new LogCallRequest
            {
                RequestId = NewRequest(),
                TeamId = team.TeamId,
                ClientId = client.ClientId,
                Outcome = TriageOutcome.AdviceGiven,
                Note = "Reassured.",
                At = Timestamp.FromDateTimeOffset(new DateTimeOffset(night.ToDateTime(new TimeOnly(22, minutes)), TimeSpan.Zero)),
            });
        }

        var figures = await host.Eventually(team.TeamId, f => f.OnCallCalls == 2, "two on-call calls");
        Assert.Equal(2, figures.OnCallCalls);
    }
}
