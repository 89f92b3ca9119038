using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Simulator.History;
using Buurtzorg.Storage;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// The <c>history</c> command: the care it makes up for a client passes the record's rules and comes in the numbers
/// asked for, and a run over a database extends exactly the clients with care in progress, once.
/// </summary>
public sealed class HistoryTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const string Team = "team-bow";
    private static readonly DateTimeOffset Now = new(2025, 6, 11, 14, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2025, 6, 11, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_year_of_history_passes_the_rules_and_comes_in_the_numbers_asked_for()
    {
        var record = Admitted("client-1", "nurse-a", Now.AddDays(-7 * 52 - 1), carePlan: true);
        var focus = CareFocus.Of(record)!;

        var history = HistoryGenerator.Generate(record, focus, ["nurse-a", "nurse-b", "nurse-c"], weeks: 52, visitsPerWeek: 3, seed: 1, Now);

        Assert.Equal((156, 52, 13, 0), (history.Visits, history.Notes, history.Ratings, history.AlreadyThere));
        Assert.Equal(156 + 52 + 13, history.Entries.Count);
        Assert.Equal(history.Entries.Count, history.Entries.Select(e => e.EntryId).Distinct().Count());
        // Checked again from the start, each entry passes the rules at the same moment, and they fold to the same record.
        var replayed = history.Entries.Aggregate(record, (r, e) => r.Apply(CareRecordRules.Check(r, e, Now, DateOnly.FromDateTime(Now.UtcDateTime))));
        Assert.Equal(Json(history.After), Json(replayed));

        var visits = history.Entries.OfType<VisitRecorded>().ToList();
        var (opens, closes) = ServiceHours.Of(TimeWindow.Morning);
        Assert.All(visits, v =>
        {
            Assert.Equal(["int-dressing"], v.InterventionsDone);
            Assert.InRange(v.Start, Today.AddDays(-7 * 52), Today); // on the days before today
            Assert.InRange(TimeOnly.FromDateTime(v.Start.DateTime), opens, closes.AddMinutes(-v.DurationMinutes));
            Assert.InRange(v.DirectCareMinutes, 1, v.DurationMinutes);
            Assert.False(v.OutOfHours);
        });
        Assert.Subset(new HashSet<string> { "nurse-a", "nurse-b", "nurse-c" }, visits.Select(v => v.NurseId).ToHashSet());
        Assert.InRange(visits.Count(v => v.NurseId == "nurse-a"), 100, 140); // mostly the named nurse
        Assert.Equal(history.Entries.OrderBy(e => e.At).Select(e => e.EntryId), history.Entries.Select(e => e.EntryId));
        // Thirteen ratings made; the present keeps the first and the latest ones.
        Assert.Equal(RecordState.KeptRatings, history.After.ActiveProblem("prob-skin")!.Ratings.Count);
    }

    [Fact]
    public void The_same_seed_again_adds_nothing_and_another_seed_adds_another_year()
    {
        var record = Admitted("client-1", "nurse-a", Now.AddDays(-7 * 8 - 1), carePlan: true);
        var first = HistoryGenerator.Generate(record, CareFocus.Of(record)!, [], weeks: 8, visitsPerWeek: 2, seed: 1, Now);

        var again = HistoryGenerator.Generate(first.After, CareFocus.Of(first.After)!, [], weeks: 8, visitsPerWeek: 2, seed: 1, Now.AddHours(1));
        var other = HistoryGenerator.Generate(first.After, CareFocus.Of(first.After)!, [], weeks: 8, visitsPerWeek: 2, seed: 2, Now);

        Assert.Empty(again.Entries);
        Assert.Equal(first.Entries.Count, again.AlreadyThere);
        Assert.Equal(first.Entries.Count, other.Entries.Count);
        Assert.All(first.Entries.OfType<VisitRecorded>(), v => Assert.Equal("nurse-a", v.NurseId)); // nobody else in the team
    }

    [Fact]
    public void Only_a_record_with_care_in_progress_is_given_history()
    {
        Assert.Null(CareFocus.Of(CareRecord.Create("client-1")));
        Assert.Null(CareFocus.Of(Admitted("client-1", "nurse-a", Now, carePlan: false)));
        var focus = CareFocus.Of(Admitted("client-1", "nurse-a", Now, carePlan: true));
        Assert.Equal(new CareFocus(Team, "prob-skin", "int-dressing", TimeWindow.Morning, 30, "nurse-a"), focus);
    }

    [Fact]
    public async Task A_run_extends_each_client_with_care_in_progress_once_and_writes_its_snapshot()
    {
        var database = await postgres.CreateDatabaseAsync("history");
        await SchemaMigrator.ApplyAsync(database);
        await using var source = NpgsqlDataSource.Create(database);
        var journal = new PostgresRecordJournal(source);
        var formed = DateTimeOffset.UtcNow.AddDays(-7 * 4 - 1); // admitted before the four weeks of history
        foreach (var (client, nurse, plan) in new[] { ("client-a", "nurse-a", true), ("client-b", "nurse-b", true), ("client-c", "nurse-a", false) })
        {
            var record = CareRecord.Create(client);
            foreach (var entry in Admitted(client, nurse, formed, plan).History)
            {
                record = record.Apply(entry);
                await journal.Append(client, record.Version, entry, record, access: null);
            }
        }
        var options = new HistoryOptions { Postgres = database, Weeks = 4, VisitsPerWeek = 5, Seed = 3, Parallelism = 2, Progress = false };

        var summary = await new HistoryRun(options, TextWriter.Null).Run();
        var again = await new HistoryRun(options, TextWriter.Null).Run();

        Assert.Equal((3, 2, 1, 0), (summary.Clients, summary.Given, summary.NotEligible, summary.Failed));
        Assert.Equal((40L, 8L, 2L, 50L), (summary.Visits, summary.Notes, summary.Ratings, summary.Entries));
        Assert.Equal((0, 2, 0L), (again.Given, again.AlreadyHad, again.Entries));
        var loaded = (await journal.Load("client-a"))!;
        Assert.Equal(5 + 25, loaded.Seq);
        Assert.Equal(1 + 20, loaded.Record.Visits.Count);
        // The named nurse mostly; the other member of the team, known from the care plan she wrote for another client, sometimes.
        Assert.Equal(new HashSet<string> { "nurse-a", "nurse-b" }, loaded.Record.Visits.Select(v => v.NurseId).ToHashSet());
        await using var snapshot = source.CreateCommand("SELECT seq FROM record_snapshot WHERE client_id = 'client-a'");
        Assert.Equal(30L, await snapshot.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_run_refuses_while_a_silo_on_the_database_may_be_alive()
    {
        var database = await postgres.CreateDatabaseAsync("history_live");
        await SchemaMigrator.ApplyAsync(database);
        await using var source = NpgsqlDataSource.Create(database);
        await using (var silo = source.CreateCommand("""
            INSERT INTO orleans_membership_version (deployment_id) VALUES ('cluster');
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
            VALUES ('cluster', '127.0.0.1', 11111, 1, 'silo', 'host', 3, 30000, now(), now());
            """))
            await silo.ExecuteNonQueryAsync();
        var options = new HistoryOptions { Postgres = database, Weeks = 1, Progress = false };

        await Assert.ThrowsAsync<InvalidOperationException>(() => new HistoryRun(options, TextWriter.Null).Run());
        Assert.Equal(0, (await new HistoryRun(options with { Force = true }, TextWriter.Null).Run()).Clients);
    }

    [Fact]
    public void Backdating_runs_only_on_a_database_the_operator_names_again()
    {
        string[] args = ["history", "--postgres", "Host=127.0.0.1;Database=bench", "--backdate"];

        Assert.Throws<ArgumentException>(() => HistoryOptions.Parse(args));
        Assert.Throws<ArgumentException>(() => HistoryOptions.Parse([.. args, "--benchmark-database", "care"]));
        Assert.Throws<ArgumentException>(() => HistoryOptions.Parse(["history", "--postgres", "Host=127.0.0.1;Database=bench", "--benchmark-database", "bench"]));
        var options = HistoryOptions.Parse([.. args, "--benchmark-database", "bench"]);
        Assert.Equal((true, 13), (options.Backdate, options.CorrectEveryWeeks));
        Assert.Equal(0, HistoryOptions.Parse(["history", "--postgres", "Host=127.0.0.1;Database=bench"]).CorrectEveryWeeks);
    }

    [Fact]
    public void An_entry_moves_back_whole_days_on_the_wall_clock_with_the_dates_it_carries()
    {
        var clock = new CareClock();
        var summer = new DateTimeOffset(2025, 6, 11, 10, 0, 0, TimeSpan.FromHours(1)); // 10:00 British Summer Time
        var shift = new EntryShift(EntryShift.DaysBack(summer, new DateOnly(2024, 11, 23), clock), clock);
        var visit = new VisitRecorded("v1", summer.AddMinutes(30), "nurse-a", "v1", "nurse-a", summer, 30, 20, ["int-dressing"], null, false);
        var rating = new RatingRecorded("r1", summer, "nurse-a", "prob-skin", new OutcomeRating(2, 3, 3), new DateOnly(2025, 6, 11), "nurse-a");
        var fix = new Correction("c1", summer.AddHours(2), "nurse-a", "v1", "Length entered short.", visit with { DurationMinutes = 40 });

        var movedVisit = (VisitRecorded)shift.Back(visit);
        var movedRating = (RatingRecorded)shift.Back(rating);
        var movedFix = (Correction)shift.Back(fix);

        Assert.Equal(200, shift.Days);
        // Still 10:00 on the wall clock, now in Greenwich Mean Time.
        Assert.Equal(new DateTimeOffset(2024, 11, 23, 10, 0, 0, TimeSpan.Zero), movedVisit.Start);
        Assert.Equal(movedVisit.Start.AddMinutes(30), movedVisit.At);
        Assert.Equal(new DateOnly(2024, 11, 23), movedRating.RatedOn);
        Assert.Equal(movedVisit.Start, ((VisitRecorded)movedFix.Replacement!).Start);
        Assert.Equal(0, EntryShift.DaysBack(movedVisit.Start, new DateOnly(2024, 11, 23), clock)); // a second run moves nothing
    }

    /// <summary>Referred and admitted by <paramref name="nurse"/>; with a care plan, one problem, one daily intervention and a first visit.</summary>
    private static CareRecord Admitted(string clientId, string nurse, DateTimeOffset at, bool carePlan)
    {
        var record = CareRecord.Create(clientId);
        RecordEntry[] admission =
        [
            new ReferralReceived($"ref-{clientId}", at, nurse, $"ref-{clientId}", Team, ReferralSource.GeneralPractitioner,
                new Demographics("Test", "Client", new DateOnly(1940, 1, 1), "1 Test Road", Postcode.Parse("E3 2AB"), null),
                [Skill.WoundCare], NhsNumber.ForTesting(clientId[^1])),
            new EpisodeOpened($"ep-{clientId}", at, nurse, $"ep-{clientId}", Team, $"ref-{clientId}", ReferralSource.GeneralPractitioner, [Skill.WoundCare]),
        ];
        RecordEntry[] plan =
        [
            new ProblemAdded("prob-skin", at, nurse, "prob-skin", OmahaProblem.Skin, ProblemScope.Individual, ProblemSeverity.Potential, []),
            new InterventionAdded("int-dressing", at, nurse, "int-dressing", "prob-skin", InterventionCategory.TreatmentsProcedures,
                "wound care", null, CareType.Nursing, new VisitFrequency(1, FrequencyPeriod.Day), TimeWindow.Morning, 30, [Skill.WoundCare]),
            new VisitRecorded("visit-first", at.AddMinutes(30), nurse, "visit-first", nurse, at, 30, 20, ["int-dressing"], null, false),
        ];
        foreach (var entry in carePlan ? [.. admission, .. plan] : admission)
            record = record.Apply(CareRecordRules.Check(record, entry, at.AddHours(1), DateOnly.FromDateTime(at.UtcDateTime)));
        return record;
    }

    private static string Json(CareRecord record) => JsonSerializer.Serialize(record, DomainJson.Options);
}
