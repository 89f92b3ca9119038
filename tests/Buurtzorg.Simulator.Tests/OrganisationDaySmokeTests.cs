using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.OrganisationDay;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// A small organisation day against an embedded host: every kind of call a team app and the central office make
/// runs, and none is refused. Timings are printed by the benchmark, never asserted here.
/// </summary>
public sealed class OrganisationDaySmokeTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly string[] EveryOperation =
    [
        "ApplyTeam", "ApproveTeam", "RegisterNurse", "JoinTeam", "Refer", "Admit", "Decline", "AddProblem", "AddIntervention",
        "ReviewDay", "GetCaseload", "GetRecord", "RecordVisit", "RateProblem", "StopIntervention", "GetOverview", "ListTeams",
        "GetTeamFigures", "GetTeam", "EndLeave", "Discharge", "LeaveTeam", "AddLeavePeriod",
    ];

    [Fact]
    public async Task Two_small_teams_get_through_two_days_with_every_call_answered()
    {
        var tokens = new TokenIssuer(SigningKeys.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build()));
        var options = new DayOptions
        {
            Teams = 2,
            NursesPerTeam = 4,
            ClientsPerTeam = 8,
            Days = 2,
            Concurrency = 4,
            Seed = 7,
            CeilingDuration = TimeSpan.FromSeconds(1),
            Progress = false,
        };

        var report = await OrganisationDayBenchmark.Run(host.Channel, tokens, options, host.Address, TextWriter.Null);

        Assert.Empty(report.Operations.Where(o => o.Errors > 0).Select(o => $"{o.Phase} {o.Operation}: {string.Join(", ", o.ErrorsByStatus)}"));
        Assert.Empty(EveryOperation.Except(report.Operations.Where(o => o.Calls > 0).Select(o => o.Operation)));
        Assert.Equal(2, report.Days);
        Assert.Contains(report.Ceilings, c => c.Operation == Ceilings.HealthCheck && c.Calls > 0 && c.Errors == 0);
    }

    [Fact]
    public void The_same_seed_draws_the_same_organisation()
    {
        // The districts and NHS numbers a run refers come from the options alone, so two runs refer the same people.
        var first = new TestNhsNumbers(5);
        var second = new TestNhsNumbers(5);
        Assert.Equal(Enumerable.Range(0, 20).Select(_ => first.Next()), Enumerable.Range(0, 20).Select(_ => second.Next()));
        Assert.All(Enumerable.Range(0, 20).Select(_ => first.Next()), n => Assert.True(Domain.Common.NhsNumber.Parse(n).IsTestRange));
    }
}
