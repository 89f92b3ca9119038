using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.Simulator.History;
using Buurtzorg.Simulator.OrganisationDay;
using Buurtzorg.TestSupport;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// <c>history --backdate</c>, the benchmark fixture: a small organisation formed today through a durable silo, the silo
/// stopped, its records moved back and given weeks of care, the silo started again — and the records load and read as
/// if the clients had been on the caseload all along.
/// </summary>
public sealed class BackdatedHistoryTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const int Weeks = 8;

    private static readonly DayOptions Small = new()
    {
        Teams = 2,
        NursesPerTeam = 4,
        ClientsPerTeam = 6,
        Days = 0,
        Concurrency = 4,
        Seed = 5,
        CeilingDuration = TimeSpan.FromSeconds(1),
        Progress = false,
    };

    private readonly BenchmarkTokens _tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build());

    [Fact]
    public async Task Backdated_records_load_with_the_episode_in_the_past_and_their_history_paged_in_order()
    {
        var database = await postgres.CreateDatabaseAsync("backdated");
        var file = Path.Combine(Path.GetTempPath(), $"organisation-{Guid.NewGuid():N}.json");
        string[] silo = [.. TestKeys.Arguments, "--postgres", database];
        try
        {
            await using (var formed = await ApiHost.Start(silo))
            {
                using var connection = SimulatorConnection.To(formed.Address, _tokens);
                var report = await OrganisationDayBenchmark.Run(connection.CallInvoker, _tokens, Small with { SaveOrganisationTo = file }, formed.Address, TextWriter.Null);
                Assert.All(report.Operations, o => Assert.Equal(0, o.Errors));
            }
            var organisation = await Organisation.Load(file);
            var clients = organisation.Clients.Count();
            var options = new HistoryOptions
            {
                Postgres = database,
                Weeks = Weeks,
                VisitsPerWeek = 3,
                Seed = 1,
                Parallelism = 2,
                Progress = false,
                Backdate = true,
                BenchmarkDatabase = new NpgsqlConnectionStringBuilder(database).Database,
                CorrectEveryWeeks = 4,
            };

            var summary = await new HistoryRun(options, TextWriter.Null).Run();
            var again = await new HistoryRun(options, TextWriter.Null).Run();

            Assert.Equal((clients, clients, 0), (summary.Backdated, summary.Given, summary.Failed));
            Assert.Equal((3L * Weeks * clients, Weeks * (long)clients, 2L * clients), (summary.Visits, summary.Notes, summary.Corrections));
            Assert.Equal((0, 0, clients, 0L), (again.Backdated, again.Given, again.AlreadyHad, again.Entries)); // moved and filled once

            await using var restarted = await ApiHost.Start(silo);
            var team = organisation.Teams.First(t => t.Clients.Count > 0);
            var client = team.Clients[0];
            var app = restarted.App().As(new Caller(client.NamedNurseId, Role.Nurse, team.Id));
            var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.Id })).Record;

            var admitted = record.CurrentEpisode.AdmittedAt.ToDateTimeOffset();
            Assert.InRange(admitted, DateTimeOffset.UtcNow.AddDays(-7 * Weeks - 2), DateTimeOffset.UtcNow.AddDays(-7 * Weeks));
            Assert.Equal(3 * Weeks, record.VisitsInEpisode);
            Assert.Equal(Weeks, record.NotesInEpisode);
            Assert.NotEmpty(record.Visits);

            var history = new List<HistoryEntry>();
            var token = "";
            var pages = 0;
            do
            {
                var page = await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.Id, PageSize = 10, PageToken = token });
                history.AddRange(page.Entries);
                token = page.NextPageToken;
                pages++;
            }
            while (token != "");

            Assert.True(pages > 3);
            Assert.Equal("referral_received", history[0].Kind);
            Assert.Equal(history.OrderBy(e => e.At.ToDateTimeOffset()).Select(e => e.EntryId), history.Select(e => e.EntryId));
            Assert.Equal(history.Count, history.Select(e => e.EntryId).Distinct().Count());
            Assert.Equal(3 * Weeks, history.Count(e => e.Kind == "visit_recorded"));
            // Each correction names the visit it corrects, and that visit is marked with it.
            var corrections = history.Where(e => e.Kind == "correction").ToList();
            Assert.Equal(2, corrections.Count);
            Assert.All(corrections, c => Assert.Equal(c.EntryId, history.Single(e => e.EntryId == c.CorrectsEntryId).CorrectedByEntryId));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
