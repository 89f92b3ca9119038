using System.Diagnostics;
using System.Globalization;
using System.Text;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Storage.Journal;
using Npgsql;

namespace Buurtzorg.Simulator.History;

/// <summary>
/// The <c>history</c> command: gives every client on a caseload in the database a backdated stretch of care
/// (<see cref="HistoryGenerator"/>), appended to the journal in bulk (<see cref="PostgresRecordJournal.AppendMany"/>)
/// with a snapshot of the final record. Like a data migration it runs while no silo does: an active grain would not see
/// the new entries. Clients are worked on a few at a time, each loaded, extended and written before the next, so memory
/// holds a few records, never all of them. Output names clients by id only.
/// </summary>
public sealed class HistoryRun(HistoryOptions options, TextWriter progress)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private readonly TextWriter _progress = TextWriter.Synchronized(progress);

    private int _done;
    private int _given;
    private int _alreadyHad;
    private int _notEligible;
    private int _failed;
    private long _entries;
    private long _visits;
    private long _ratings;
    private long _notes;
    private long _corrections;

    public async Task<HistorySummary> Run(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.Postgres);
        connection.MaxPoolSize = Math.Max(connection.MaxPoolSize, options.Parallelism + 2);
        await using var database = NpgsqlDataSource.Create(connection);
        if (!options.Force && await LiveSilos(database, cancellationToken) is > 0 and var live)
            throw new InvalidOperationException(
                $"{live} silo(s) in this database's membership table may be running (active and heard from in the last 10 minutes). " +
                "Stop every silo first: a running silo keeps active records in memory and would not see the history. " +
                "If they are gone for certain (killed without a clean stop), pass --force.");

        var clients = await ClientIds(database, cancellationToken);
        var backdated = 0;
        var backdating = TimeSpan.Zero;
        if (options.Backdate)
        {
            var clock = new CareClock();
            var admitOn = clock.Today.AddDays(-7 * options.Weeks - 1);
            _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"history --backdate: BENCHMARK FIXTURE. Rewriting the dates of the journals of up to {clients.Count} clients in database '{connection.Database}' so that their open episodes begin on {admitOn:yyyy-MM-dd}; the append-only trigger is lifted inside that one transaction. Never run this on a database that holds real care records."));
            var step = Stopwatch.GetTimestamp();
            backdated = await Backdating.Run(database, clients, admitOn, clock, _progress, cancellationToken);
            backdating = Stopwatch.GetElapsedTime(step);
            _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"history --backdate: {backdated} clients' journals moved back in {backdating.TotalSeconds:0.0} s"));
        }
        var teamNurses = await TeamNurses(database, cancellationToken);
        var journal = new PostgresRecordJournal(database);
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history: {clients.Count} clients with an episode, {teamNurses.Count} teams; {options.Weeks} weeks, {options.VisitsPerWeek} visits a week, seed {options.Seed}, {options.Parallelism} at a time"));

        var started = Stopwatch.GetTimestamp();
        using var stopProgress = new CancellationTokenSource();
        var reporter = options.Progress ? Report(clients.Count, started, stopProgress.Token) : Task.CompletedTask;
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (clientId, token) =>
            {
                await Extend(journal, clientId, teamNurses, token);
                Interlocked.Increment(ref _done);
            });
        await stopProgress.CancelAsync();
        await reporter;
        return new HistorySummary(clients.Count, _given, _alreadyHad, _notEligible, _failed, _entries, _visits, _ratings, _notes, Stopwatch.GetElapsedTime(started), options)
        {
            Corrections = _corrections,
            Backdated = backdated,
            Backdating = backdating,
        };
    }

    private async Task Extend(PostgresRecordJournal journal, string clientId, IReadOnlyDictionary<string, string[]> teamNurses, CancellationToken cancellationToken)
    {
        try
        {
            var loaded = await journal.Load(clientId, cancellationToken);
            if (loaded is null || CareFocus.Of(loaded.Record) is not { } focus)
            {
                Interlocked.Increment(ref _notEligible);
                return;
            }
            // A loaded record holds its present only: the journal says which entries a run with this seed already made.
            var stored = await journal.Entries(clientId, cancellationToken);
            var history = HistoryGenerator.Generate(loaded.Record, focus, teamNurses.GetValueOrDefault(focus.TeamId, []),
                options.Weeks, options.VisitsPerWeek, options.Seed, DateTimeOffset.UtcNow, stored, options.CorrectEveryWeeks);
            if (history.Entries.IsEmpty)
            {
                Interlocked.Increment(ref _alreadyHad);
                return;
            }
            await journal.AppendMany(clientId, loaded.Seq + 1, history.Entries, history.After, cancellationToken);
            Interlocked.Increment(ref _given);
            Interlocked.Add(ref _entries, history.Entries.Count);
            Interlocked.Add(ref _visits, history.Visits);
            Interlocked.Add(ref _ratings, history.Ratings);
            Interlocked.Add(ref _notes, history.Notes);
            Interlocked.Add(ref _corrections, history.Corrections);
        }
        catch (Exception e) when (e is CareRuleException or JournalConflictException or NpgsqlException)
        {
            // Rule messages and database errors name no patient data; the client by id only.
            Interlocked.Increment(ref _failed);
            _progress.WriteLine($"history: client {clientId} not extended: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task Report(int clients, long started, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var entries = Interlocked.Read(ref _entries);
                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"history: {Volatile.Read(ref _done)}/{clients} clients, {entries:N0} entries, {entries / seconds:N0} rows/s, {seconds:0} s"));
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    /// <summary>Silos the membership table shows as up (created to stopping) and heard from lately.</summary>
    private static async Task<long> LiveSilos(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT count(*) FROM orleans_membership WHERE status BETWEEN 1 AND 5 AND i_am_alive_time > now() - interval '10 minutes'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<string>> ClientIds(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT DISTINCT client_id FROM record_journal WHERE kind = 'episode_opened' ORDER BY client_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var clients = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) clients.Add(reader.GetString(0));
        return clients;
    }

    /// <summary>
    /// Each team's nurses as its records show them: whoever planned care for one of its clients (a team app records the
    /// care plan as the client's named nurse). Care-plan entries are few, so this reads little of a long journal.
    /// </summary>
    private static async Task<Dictionary<string, string[]>> TeamNurses(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT DISTINCT opened.entry->>'teamId', planned.entry->>'recordedBy'
            FROM record_journal opened
            JOIN record_journal planned ON planned.client_id = opened.client_id AND planned.kind IN ('problem_added', 'intervention_added')
            WHERE opened.kind = 'episode_opened'
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pairs = new List<(string Team, string Nurse)>();
        while (await reader.ReadAsync(cancellationToken))
            if (!reader.IsDBNull(0) && !reader.IsDBNull(1)) pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs.GroupBy(p => p.Team, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Nurse).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }
}

/// <summary>What a <c>history</c> run did, in counts.</summary>
public sealed record HistorySummary(
    int Clients, int Given, int AlreadyHad, int NotEligible, int Failed, long Entries, long Visits, long Ratings, long Notes,
    TimeSpan Elapsed, HistoryOptions Options)
{
    public long Corrections { get; init; }

    /// <summary>With <c>--backdate</c>: clients whose journals were moved back, and how long that took.</summary>
    public int Backdated { get; init; }

    public TimeSpan Backdating { get; init; }

    public double RowsPerSecond => Entries / Elapsed.TotalSeconds;

    public string ToMarkdown()
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"history: {Options.Weeks} weeks, {Options.VisitsPerWeek} visits a week, seed {Options.Seed}, {Options.Parallelism} clients at a time, {Environment.ProcessorCount} cores");
        report.AppendLine();
        if (Options.Backdate)
            report.AppendLine(CultureInfo.InvariantCulture,
                $"backdated (benchmark fixture): {Backdated} clients' journals moved back in {Backdating.TotalSeconds:0.0} s").AppendLine();
        report.AppendLine("| clients with an episode | given history | already had it | not eligible | failed | entries | visits | ratings | notes | corrections | rows/s | elapsed s |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {Clients} | {Given} | {AlreadyHad} | {NotEligible} | {Failed} | {Entries} | {Visits} | {Ratings} | {Notes} | {Corrections} | {RowsPerSecond:0} | {Elapsed.TotalSeconds:0.0} |");
        return report.ToString();
    }
}
