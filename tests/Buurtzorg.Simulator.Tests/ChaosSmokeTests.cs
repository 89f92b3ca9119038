using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.Chaos;
using Buurtzorg.Simulator.Cluster;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// The <c>chaos</c> command in short: two silo processes on a throwaway PostgreSQL of the command's own (it must crash
/// it, so not the shared test server), a few callers retrying with their request ids, single silos SIGKILLed, one
/// PostgreSQL immediate stop and one kill of both silos at once. Asserts that the faults happened and the checker's
/// zeros; never a timing.
/// </summary>
public sealed class ChaosSmokeTests
{
    [Fact]
    public async Task Every_acknowledged_write_survives_silo_kills_a_database_crash_and_killing_every_silo_exactly_once()
    {
        var output = Directory.CreateTempSubdirectory("buurtzorg-chaos-smoke-").FullName;
        var options = new ChaosOptions
        {
            PgPort = SiloProcess.FreePort(),
            Silos = 2,
            Callers = 6,
            Teams = 2,
            Duration = TimeSpan.FromSeconds(30),
            KillEvery = (2, 4), // the first single kill comes before the first large fault (at a tenth of the run and more)
            PgCrashes = 1,
            PgDown = TimeSpan.FromSeconds(3),
            AllKills = 1,
            Rolling = 0,
            Output = output,
            SiloAssembly = BuiltAssemblies.Of("Buurtzorg.Silo"),
            SiloArguments = TestKeys.Arguments,
        };
        var progress = new StringWriter();

        var report = await ChaosCommand.Execute(options, nameof(ChaosSmokeTests), progress);

        var why = $"{report.ToText()}\n{progress}";
        Assert.True(report.SiloKills > 0, why);
        Assert.Equal(1, report.PostgresCrashes);
        Assert.Equal(1, report.AllSiloKills);
        Assert.True(report.Check.Acknowledged > 0, why);
        Assert.True(report.Check.Records > 0, why);
        Assert.Empty(report.Check.Lost);
        Assert.Empty(report.Check.AppliedTwice);
        Assert.Empty(report.Check.AppliedThoughRefused);
        Assert.Empty(report.Check.JournalDisagrees);
        Assert.Empty(report.Check.AuditDisagrees);
        Assert.Empty(report.Check.Violations);
        Assert.True(report.ServerInternalOrUnknown == 0, why);
        Assert.True(report.Passed, why);
        Directory.Delete(output, recursive: true);
    }
}
