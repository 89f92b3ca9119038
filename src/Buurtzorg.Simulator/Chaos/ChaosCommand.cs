using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// <c>chaos</c>: silo processes on one PostgreSQL under the writes of many callers, while silos are SIGKILLed and
/// replaced, PostgreSQL is crashed and restarted, all silos are killed at once and the cluster is restarted rolling;
/// then the checker. Prints the report, writes it (text and JSON) and the silos' logs to <c>--output</c>, and exits
/// non-zero when the checker found a lost, doubled or wrongly applied write, a broken invariant, or a silo answered
/// INTERNAL or UNKNOWN. The options: <see cref="ChaosOptions"/>.
/// </summary>
public static class ChaosCommand
{
    public static async Task<int> Run(string[] args, TextWriter output, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ChaosOptions options;
        try
        {
            options = ChaosOptions.Parse([.. args.Skip(1)]);
            if (!File.Exists(options.SiloAssembly))
                throw new ArgumentException($"No silo at {options.SiloAssembly}: build it (dotnet build -c Release src/Buurtzorg.Silo) or give --silo-dll.");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await progress.WriteLineAsync(e.Message);
            return 2;
        }
        ChaosReport report;
        try
        {
            report = await Execute(options, $"simulator {string.Join(' ', args.Select((a, i) => i > 0 && Secret(args[i - 1]) ? "***" : a))}", progress);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await progress.WriteLineAsync(e.Message);
            return 1;
        }
        await output.WriteLineAsync(report.ToText());
        return report.Passed ? 0 : 1;
    }

    /// <summary>Runs the chaos run as <paramref name="options"/> say and checks it; the report also goes to the output directory.</summary>
    public static async Task<ChaosReport> Execute(ChaosOptions options, string command, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.Output ?? Path.Combine(Path.GetTempPath(), $"buurtzorg-chaos-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(directory);
        var tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine([.. options.SiloArguments]).Build());
        var startedAt = DateTimeOffset.UtcNow;
        await using var database = options.Postgres is { } given
            ? ChaosDatabase.Given(given, options.PgData)
            : await ChaosDatabase.Throwaway(options.PgPort, options.PgMaxConnections, progress);
        await using var cluster = new ChaosCluster(options.Silos, options.SiloAssembly, database.ConnectionString, options.SiloArguments,
            Path.Combine(directory, "silos"), options.Startup);
        await cluster.Start();
        await progress.WriteLineAsync($"cluster {cluster.ClusterId}: {options.Silos} silos serving; logs in {cluster.LogDirectory}");

        var ledger = new ChaosLedger();
        var workload = new ChaosWorkload(cluster, tokens, ledger, options);
        using var abandon = new CancellationTokenSource();
        await workload.Form(abandon.Token);
        await progress.WriteLineAsync($"{options.Teams} teams formed; {options.Callers} callers for {options.Duration.TotalSeconds:0} s");

        ledger.Begin();
        var watch = new MembershipWatch(database.ConnectionString, cluster.ClusterId, ledger);
        using var watching = new CancellationTokenSource();
        var watched = watch.Run(watching.Token);
        using var stop = new CancellationTokenSource();
        // A caller still retrying long after the faults stopped is stuck: it is abandoned and its write left unresolved.
        abandon.CancelAfter(2 * options.Duration + ChaosWorkload.RetryPatience + TimeSpan.FromMinutes(10));
        var callers = workload.Run(stop.Token, abandon.Token);
        var faults = new ChaosFaults(cluster, database, ledger, options, progress);
        // The load goes on until the last fault's recovery, even past the duration asked for.
        await faults.Run(abandon.Token);
        await stop.CancelAsync();
        await callers;
        var seconds = ledger.Now;
        await progress.WriteLineAsync(FormattableString.Invariant($"{seconds,7:0.0} s  load stopped; checking"));

        var check = await new ChaosChecker(cluster, workload, ledger, database.ConnectionString).Run(CancellationToken.None);
        await watching.CancelAsync();
        await watched;

        var report = new ChaosReport
        {
            Command = command,
            StartedAt = startedAt,
            Seconds = seconds,
            Silos = options.Silos,
            Callers = options.Callers,
            SiloSettings = [.. options.SiloArguments.Select((a, i) => (a, i)).Where(x => !x.a.StartsWith("--Security:", StringComparison.OrdinalIgnoreCase)
                && (x.i == 0 || !options.SiloArguments[x.i - 1].StartsWith("--Security:", StringComparison.OrdinalIgnoreCase))).Select(x => x.a)],
            Check = check,
            Answers = Answers(ledger),
            Faults = Recoveries(faults.Faults, ledger.Successes, watch.DeclaredDead),
            TooManyClients = TooManyClients(cluster.LogDirectory, database.LogFile),
            FalselyDeclaredDead = NotStopped(watch.DeclaredDead, faults.Faults, cluster.AbandonedSiloPorts),
            FalselySuspected = NotStopped(watch.Suspected, faults.Faults, cluster.AbandonedSiloPorts),
            FailedStarts = cluster.FailedStarts,
            SuccessesPerSecond = PerSecond(ledger.Successes),
            RetriedThenRefused = ledger.RetriedThenRefusedWrites,
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "chaos.json"), report.ToJson());
        await File.WriteAllTextAsync(Path.Combine(directory, "chaos.md"), report.ToText());
        await progress.WriteLineAsync($"report in {directory}");
        return report;
    }

    private static SortedDictionary<string, SortedDictionary<string, long>> Answers(ChaosLedger ledger)
    {
        var answers = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var ((operation, status), count) in ledger.Answers)
        {
            if (!answers.TryGetValue(operation, out var byStatus)) answers[operation] = byStatus = new(StringComparer.Ordinal);
            byStatus[status] = count;
        }
        return answers;
    }

    /// <summary>
    /// For each fault: the first successful write after it, and the longest time without one from the fault until the
    /// next fault began (the stretch running on to the first success after the last one before that, so an outage that
    /// lasts until the next fault counts whole).
    /// </summary>
    private static List<FaultRecovery> Recoveries(IReadOnlyList<ChaosFault> faults, IReadOnlyList<double> successes, IReadOnlyDictionary<int, double> dead)
    {
        var ordered = faults.OrderBy(f => f.At).ToList();
        return [.. ordered.Select((fault, i) =>
        {
            var end = i + 1 < ordered.Count ? ordered[i + 1].At : double.PositiveInfinity;
            var points = successes.Where(s => s > fault.At && s <= end).Prepend(fault.At).ToList();
            // The stretch after the last success in the window ends at the next success, or at the next fault.
            points.Add(Math.Min(successes.FirstOrDefault(s => s > points[^1], double.PositiveInfinity), end));
            if (double.IsPositiveInfinity(points[^1])) points.RemoveAt(points.Count - 1);
            var gap = points.Zip(points.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
            return new FaultRecovery(fault.Kind, fault.At, fault.Recovered, FirstAfter(successes, fault.At), gap,
                fault.Kind == ChaosFault.PostgresCrash ? FirstAfter(successes, fault.Recovered) : null,
                fault.Kind == ChaosFault.SiloKill && dead.TryGetValue(fault.StoppedSiloPorts[0], out var declared) ? declared - fault.At : null);
        })];
    }

    /// <summary>Successful writes in each second of the run, so a gap can be looked at again from the JSON.</summary>
    private static int[] PerSecond(IReadOnlyList<double> successes)
    {
        var seconds = new int[successes.Count == 0 ? 0 : (int)Math.Max(0, successes[^1]) + 1];
        foreach (var s in successes.Where(s => s >= 0)) seconds[(int)s]++;
        return seconds;
    }

    private static double? FirstAfter(IReadOnlyList<double> successes, double moment) =>
        successes.Where(s => s > moment).Select(s => (double?)(s - moment)).FirstOrDefault();

    private static List<int> NotStopped(IReadOnlyDictionary<int, double> seen, IReadOnlyList<ChaosFault> faults, IReadOnlyList<int> abandoned)
    {
        var stopped = faults.SelectMany(f => f.StoppedSiloPorts).Concat(abandoned).ToHashSet();
        return [.. seen.Keys.Where(port => !stopped.Contains(port)).Order()];
    }

    /// <summary>Lines with SQLSTATE 53300 in the silos' logs and PostgreSQL's own ("sorry, too many clients already").</summary>
    private static long TooManyClients(string siloLogs, string? serverLog)
    {
        var files = Directory.EnumerateFiles(siloLogs, "*.log").Concat(serverLog is not null && File.Exists(serverLog) ? [serverLog] : []);
        return files.Sum(file => File.ReadLines(file).LongCount(line => line.Contains("53300", StringComparison.Ordinal)
            || line.Contains("too many clients", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>An option whose value the report must not show (a signing key, a connection string with a password).</summary>
    private static bool Secret(string option) =>
        option.Contains("Secret", StringComparison.OrdinalIgnoreCase) || option.Equals("--postgres", StringComparison.OrdinalIgnoreCase);
}
