using System.Text.Json;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.OrganisationDay;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// A small organisation day against an embedded host: every kind of call a team app and the central office make
/// runs, and none is refused. Timings are printed by the benchmark, never asserted here.
/// </summary>
public sealed class OrganisationDaySmokeTests(HostWithMetrics host) : IClassFixture<HostWithMetrics>
{
    private static readonly string[] EveryOperation =
    [
        "ApplyTeam", "ApproveTeam", "RegisterNurse", "JoinTeam", "Refer", "Admit", "Decline", "AddProblem", "AddIntervention",
        "ReviewDay", "GetCaseload", "GetMyDay", "RecordVisit", "RateProblem", "StopIntervention", "GetOverview", "ListTeams",
        "GetTeamFigures", "GetTeam", "EndLeave", "Discharge", "LeaveTeam", "AddLeavePeriod",
    ];

    /// <summary>What the first day brings (nobody is on leave yet, so nobody returns from it).</summary>
    private static readonly string[] FirstDayOperations =
    [
        "ReviewDay", "GetCaseload", "GetMyDay", "RecordVisit", "RateProblem", "AddIntervention", "StopIntervention", "GetOverview",
        "ListTeams", "GetTeamFigures", "GetTeam", "Discharge", "Refer", "Admit", "Decline", "AddProblem", "RegisterNurse", "JoinTeam",
        "LeaveTeam", "AddLeavePeriod",
    ];

    private static readonly string[] DayGrainTypes = ["buurtzorg.client", "buurtzorg.team", "buurtzorg.nurse"];

    private static readonly DayOptions Small = new()
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

    private readonly BenchmarkTokens _tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build());

    private async Task<DayReport> Run(DayOptions options)
    {
        using var connection = SimulatorConnection.To(host.Api.Address, _tokens);
        return await OrganisationDayBenchmark.Run(connection.CallInvoker, _tokens, options, host.Api.Address, TextWriter.Null);
    }

    private static IEnumerable<string> Refused(DayReport report) =>
        report.Operations.Where(o => o.Errors > 0).Select(o => $"{o.Phase} {o.Operation}: {string.Join(", ", o.ErrorsByStatus)}");

    [Fact]
    public async Task Two_small_teams_get_through_two_days_with_every_call_answered()
    {
        var report = await Run(Small with { SiloMetrics = host.Metrics });

        Assert.Empty(Refused(report));
        Assert.Empty(EveryOperation.Except(report.Operations.Where(o => o.Calls > 0).Select(o => o.Operation)));
        Assert.Equal(2, report.Days);
        Assert.Contains(report.Ceilings, c => c.Operation == Ceilings.HealthCheck && c.Calls > 0 && c.Errors == 0);
        // The silo's own gauge, read from its /metrics as an operator would: the grains the day woke, by type.
        var grains = Assert.IsAssignableFrom<IReadOnlyList<GrainTypeFigures>>(report.ActiveGrainsByType);
        Assert.All(DayGrainTypes, type => Assert.Contains(grains, g => g.GrainType == type && g.PeakActivations > 0));
        Assert.Contains("| buurtzorg.client |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_organisation_saved_after_formation_gets_through_a_day_read_from_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"organisation-{Guid.NewGuid():N}.json");
        // NHS numbers after the other test's, since both refer people on the same host.
        const int NhsOffset = 10_000;
        try
        {
            var formed = await Run(Small with { Days = 0, SaveOrganisationTo = file, NhsOffset = NhsOffset });

            Assert.Empty(Refused(formed));
            Assert.Equal(0, formed.Days);
            Assert.Equal(["formation"], formed.Phases.Select(p => p.Phase));
            var saved = await File.ReadAllTextAsync(file);
            var referred = new TestNhsNumbers(NhsOffset);
            Assert.All(Enumerable.Range(0, 100).Select(_ => referred.Next()), number => Assert.DoesNotContain(number, saved, StringComparison.Ordinal));
            Assert.DoesNotContain("Simulated", saved, StringComparison.Ordinal);
            // The day's referrals take NHS numbers after every one the formation referred.
            using (var json = JsonDocument.Parse(saved))
                Assert.True(json.RootElement.GetProperty("nhs_numbers_used").GetInt32() >= NhsOffset + Small.Teams * Small.ClientsPerTeam);

            var day = await Run(Small with { Days = 1, OrganisationFile = file });

            Assert.Empty(Refused(day));
            Assert.Equal(1, day.Days);
            Assert.DoesNotContain(day.Phases, p => p.Phase == "formation");
            Assert.Empty(FirstDayOperations.Except(day.Operations.Where(o => o.Calls > 0).Select(o => o.Operation)));
            Assert.Equal($"read from {file}", day.Organisation);
        }
        finally
        {
            File.Delete(file);
        }
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
