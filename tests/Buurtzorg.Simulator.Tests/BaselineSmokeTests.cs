using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.Baseline;
using Buurtzorg.TestSupport;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// The <c>baseline</c> command at the smallest scale: a durable silo and the conventional baseline started as
/// processes on one throwaway PostgreSQL, each checked to answer as the comparison assumes, then a second of each load.
/// Only what the services answered and stored is asserted; never a timing.
/// </summary>
public sealed class BaselineSmokeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly string[] Behaviours =
    [
        "a retried visit is recorded once",
        "a read is audited before it is answered",
        "a bad token is refused",
        "a visit in the future is refused and changes nothing",
        "a nurse of another team is refused",
    ];

    [Fact]
    public async Task The_baseline_records_a_retried_visit_once_audits_reads_refuses_a_bad_token_and_answers_every_measured_call()
    {
        var options = new BaselineOptions
        {
            Postgres = await postgres.CreateDatabaseAsync("baseline"),
            Callers = [1, 2],
            ReadCallers = [2],
            Duration = TimeSpan.FromSeconds(1),
            VisitsPerClient = 1,
            SiloAssembly = BuiltAssemblies.Of("Buurtzorg.Silo"),
            BaselineAssembly = BuiltAssemblies.Of("Buurtzorg.Baseline"),
            Startup = TimeSpan.FromMinutes(2),
        };
        var progress = new StringWriter();

        var report = await BaselineCommand.Compare(options, TestKeys.Arguments, progress);

        Assert.True(report is not null, progress.ToString());
        foreach (var service in new[] { "project", "baseline" })
        {
            var checks = report.Checks.Where(c => c.Service == service).ToList();
            Assert.Equal(Behaviours, checks.Select(c => c.Behaviour));
            Assert.All(checks, c => Assert.True(c.Passed, $"{service}: {c.Behaviour} — {c.Detail}"));
        }
        Assert.Equal(0, report.Errors);
        Assert.Equal(
            [(2, "GetRecord"), (2, "GetCaseload"), (1, "RecordVisit"), (2, "RecordVisit")],
            report.Rows.Where(r => !r.Operation.StartsWith("ceiling", StringComparison.Ordinal)).Select(r => (r.Callers, r.Operation)));
        Assert.All(report.Rows.Where(r => !r.Operation.StartsWith("ceiling", StringComparison.Ordinal)),
            row => Assert.True(row.Project!.Count > 0 && row.Conventional!.Count > 0, $"{row.Operation} at {row.Callers}: a service answered no call"));
        Assert.True(report.Passed);
    }
}
