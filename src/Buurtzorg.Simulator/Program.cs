using System.Globalization;
using Buurtzorg.Simulator;
using Buurtzorg.Simulator.Cluster;
using Buurtzorg.Simulator.FhirExport;
using Buurtzorg.Simulator.History;
using Buurtzorg.Simulator.OrganisationDay;
using Buurtzorg.Simulator.Reads;
using Buurtzorg.Simulator.RecordOpen;
using Grpc.Core;
using Microsoft.Extensions.Configuration;

// dotnet run -c Release --project src/Buurtzorg.Simulator -- visits [--target http://localhost:5000] [--concurrency 16]
//     [--duration 20] [--seed 1] [--postgres "<connection string of the silo's database>"]
// dotnet run -c Release --project src/Buurtzorg.Simulator -- reads [--target url] [--concurrency 16] [--duration 15]
//     [--visits-per-client 20] [--seed 1] [--paced-rates <GetRecord/s>,<GetCaseload/s>]
//   GetRecord and GetCaseload as fast as the callers go, then paced at 70 % of that rate (or at the rates given),
//   against the health check.
// dotnet run -c Release --project src/Buurtzorg.Simulator -- organisation-day [--target url] [--teams 20]
//     [--nurses-per-team 12] [--clients-per-team 50] [--days 1 | --duration seconds] [--concurrency 16] [--seed 1]
//     [--output dir] [--postgres conn] [--silo-pid pid] [--silo-metrics http://host:web-port/metrics] [--ceiling-seconds 10]
//     [--nhs-offset 0] [--save-organisation file] [--organisation file]
//   --days 0 forms the organisation (and measures the ceilings) but runs no day; --save-organisation writes the formed
//   organisation's ids (no NHS numbers, no names); --organisation runs the days on a saved one instead of forming one.
// dotnet run -c Release --project src/Buurtzorg.Simulator -- history --postgres conn [--weeks 52] [--visits-per-week 3]
//     [--seed 1] [--parallelism n] [--force]
//   Only while every silo on the database is STOPPED (like a data migration): gives each client on a caseload a backdated
//   year of visits, weekly notes and monthly ratings, appended in bulk. A running silo would not see them.
//   BENCHMARK FIXTURE: --backdate --benchmark-database <name> [--correct-every-weeks 13] first moves every client's
//   journal back so that the open episode begins where the history does (rewriting journal rows, the append-only
//   trigger lifted inside that one transaction), then adds the history with a correction a quarter. Never on real records.
// dotnet run -c Release --project src/Buurtzorg.Simulator -- record-open [--target url] --postgres conn [--entries 5000]
//     [--samples 1000] [--concurrency 1] [--parts]
// dotnet run -c Release --project src/Buurtzorg.Simulator -- fhir-export [--target url] --postgres conn [--entries 50,5000]
//     [--samples 50]
//   Per length: a client filled through the silo as record-open fills one, then ExportFhir timed (p50/p99, bundle bytes)
//   beside reading the same whole history through GetHistory (the ceiling).
// dotnet run -c Release --project src/Buurtzorg.Simulator -- cluster <visits|reads|organisation-day|record-open|bytes>
//     --postgres conn [--silos 3] [--silo-dll path] [--startup-seconds 120] [the benchmark's options]
//   Starts that many silo processes (the Release build of src/Buurtzorg.Silo) on the database, waits until all are
//   active members and serving, runs the benchmark with its calls spread over the silos in turn, and stops them.
//   `bytes` [--entries 50,5000] [--calls 2000] [--concurrency 16]: bytes sent between silos per GetRecord and per
//   RecordVisit on records of those lengths, from Orleans' messaging meter on every silo's /metrics.
// dotnet run -c Release --project src/Buurtzorg.Simulator -- chaos [--postgres conn [--pg-data dir]] [--pg-port 55470]
//     [--pg-max-connections 100] [--silos 3] [--callers 16] [--duration 600] [--kill-every 10-20] [--pg-crashes 3]
//     [--pg-down 5] [--all-kills 1] [--rolling 1] [--teams 4] [--seed 1] [--output dir] [--silo-dll path]
//     [--Orleans:Membership:… value (to every silo)]
//   Silo processes under retried writes while silos are SIGKILLed, PostgreSQL crashes and the cluster restarts; then
//   every acknowledged write is checked present exactly once and the caseload invariants hold (src/Buurtzorg.Simulator/Chaos).
// Tokens are minted with the same signing keys as the silo: its development key file on this machine, or the keys
// given as --Security:Jwt:Keys:0:Id … --Security:Jwt:Keys:0:Secret … (as the silo takes them).
var command = args.FirstOrDefault();
string? Option(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
// `cluster <benchmark>`: the benchmark against silo processes this command starts.
var clustered = command == "cluster";
if (clustered) command = args.ElementAtOrDefault(1);

if (command == "baseline") return await Buurtzorg.Simulator.Baseline.BaselineCommand.Run(args, Console.Out, Console.Error);
if (command == "chaos") return await Buurtzorg.Simulator.Chaos.ChaosCommand.Run(args, Console.Out, Console.Error);

if (command is not ("visits" or "reads" or "organisation-day" or "history" or "record-open" or "fhir-export" or "bytes") || (clustered && command == "history")
    || (!clustered && command == "bytes") || (clustered && Option("--postgres") is null))
{
    Console.Error.WriteLine("usage: visits [--target url] [--concurrency n] [--duration seconds] [--seed n] [--postgres conn]");
    Console.Error.WriteLine("       reads [--target url] [--concurrency n] [--duration seconds] [--visits-per-client n] [--seed n] [--paced-rates r,r]");
    Console.Error.WriteLine("       organisation-day [--target url] [--teams n] [--nurses-per-team n] [--clients-per-team n] [--days n | --duration seconds]");
    Console.Error.WriteLine("                        [--concurrency n] [--seed n] [--output dir] [--postgres conn] [--silo-pid pid] [--ceiling-seconds n]");
    Console.Error.WriteLine("                        [--silo-metrics url] [--nhs-offset n] [--save-organisation file] [--organisation file]");
    Console.Error.WriteLine("       history --postgres conn [--weeks n] [--visits-per-week n] [--seed n] [--parallelism n] [--force]");
    Console.Error.WriteLine("               [--backdate --benchmark-database name] [--correct-every-weeks n]   (--backdate: a benchmark fixture only)");
    Console.Error.WriteLine("               run it only while every silo on that database is STOPPED: it appends to the journal behind the grains' backs");
    Console.Error.WriteLine("       record-open [--target url] --postgres conn [--entries n] [--samples n] [--concurrency n] [--parts]");
    Console.Error.WriteLine("       fhir-export [--target url] --postgres conn [--entries n,n] [--samples n]");
    Console.Error.WriteLine("       cluster <visits|reads|organisation-day|record-open|bytes> --postgres conn [--silos n] [--silo-dll path] [--startup-seconds n]");
    Console.Error.WriteLine("               [the benchmark's options; bytes: --entries n,n --calls n --concurrency n]");
    return 2;
}

if (command == "history")
{
    HistoryOptions history;
    try
    {
        history = HistoryOptions.Parse(args);
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    try
    {
        var summary = await new HistoryRun(history, Console.Error).Run();
        Console.WriteLine(summary.ToMarkdown());
        return summary.Failed == 0 ? 0 : 1;
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine(e.Message); // a silo still running
        return 2;
    }
}

// Flags without a value would swallow the next option here.
var settings = args.Skip(clustered ? 2 : 1).Where(a => a != "--parts").ToArray();
var tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine(settings).Build());

if (clustered)
{
    var silos = int.Parse(Option("--silos") ?? "3", CultureInfo.InvariantCulture);
    var postgres = Option("--postgres")!;
    // The silos take the simulator's signing keys, so its tokens pass and every silo seals callers with the same key.
    var keyArguments = settings.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--Security:", StringComparison.OrdinalIgnoreCase) && x.i + 1 < settings.Length)
        .SelectMany(x => new[] { x.a, settings[x.i + 1] }).ToList();
    SiloCluster started;
    try
    {
        started = await SiloCluster.Start(silos, Option("--silo-dll") ?? SiloCluster.DefaultSiloAssembly(), postgres, keyArguments,
            Console.Error, TimeSpan.FromSeconds(int.Parse(Option("--startup-seconds") ?? "120", CultureInfo.InvariantCulture)));
    }
    catch (Exception e) when (e is FileNotFoundException or TimeoutException or InvalidOperationException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    await using var cluster = started;
    using var spread = new RoundRobinInvoker(cluster.GrpcTargets, tokens);
    if (command == "bytes")
    {
        SiloBytesOptions bytes;
        try
        {
            bytes = SiloBytesOptions.Parse(args, postgres);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        using var messaging = new SiloMessaging(cluster.MetricsEndpoints, tokens);
        var measured = await new SiloBytesBenchmark(spread, tokens, messaging, bytes, Console.Error).Run();
        Console.WriteLine(measured.ToMarkdown(silos));
        return measured.Errors == 0 ? 0 : 1;
    }
    return await Benchmark(spread, string.Join(", ", cluster.GrpcTargets));
}

var target = Option("--target") ?? "http://localhost:5000";
using var connection = SimulatorConnection.To(target, tokens);
return await Benchmark(connection.CallInvoker, target);

// The benchmarks that drive the silo over gRPC, through one silo's channel or a channel spread over several.
async Task<int> Benchmark(CallInvoker channel, string target)
{
    if (command == "visits")
    {
        var concurrency = int.Parse(Option("--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration") ?? "20", CultureInfo.InvariantCulture));
        var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine(await new VisitBenchmark(channel, tokens, concurrency, duration, Option("--postgres"), seed).Run());
        return 0;
    }

    if (command == "reads")
    {
        var concurrency = int.Parse(Option("--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration") ?? "15", CultureInfo.InvariantCulture));
        var visitsPerClient = int.Parse(Option("--visits-per-client") ?? "20", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
        var pacedRates = Option("--paced-rates")?.Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();
        var reads = await new ReadBenchmark(channel, tokens, concurrency, duration, visitsPerClient, seed, pacedRates).Run(Console.Error);
        Console.WriteLine(reads.Markdown);
        return reads.Errors == 0 ? 0 : 1;
    }

    if (command == "record-open")
    {
        RecordOpenOptions open;
        try
        {
            open = RecordOpenOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        Console.WriteLine((await new RecordOpenBenchmark(channel, tokens, open, Console.Error).Run()).ToMarkdown());
        return 0;
    }

    if (command == "fhir-export")
    {
        FhirExportOptions export;
        try
        {
            export = FhirExportOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var measured = await new FhirExportBenchmark(channel, tokens, export, Console.Error).Run();
        Console.WriteLine(measured.ToMarkdown());
        return measured.Rows.Any(r => r.Measurements.Errors > 0) ? 1 : 0;
    }

    DayOptions options;
    try
    {
        options = DayOptions.Parse(args);
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    var report = await OrganisationDayBenchmark.Run(channel, tokens, options, target, Console.Error);
    var markdown = report.ToMarkdown();
    Console.WriteLine(markdown);
    if (options.Output is { } output)
    {
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "organisation-day.json"), report.ToJson());
        await File.WriteAllTextAsync(Path.Combine(output, "organisation-day.md"), markdown);
    }
    return report.Errors == 0 ? 0 : 1;
}
