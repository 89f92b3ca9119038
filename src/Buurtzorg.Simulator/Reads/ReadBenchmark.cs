using System.Diagnostics;
using System.Globalization;
using System.Text;
using Buurtzorg.Api.V1;
using Buurtzorg.Simulator.OrganisationDay;
using Grpc.Core;
using Grpc.Health.V1;

namespace Buurtzorg.Simulator.Reads;

/// <summary>
/// The two reads a nurse makes most — a client's record and the team's caseload — against the health-check ceiling
/// of the same server at the same concurrency: first as fast as <c>--concurrency</c> callers can go (closed loop),
/// then paced at 70 % of that rate (open loop), where each call's latency counts from when it was due. Given
/// <paramref name="pacedRates"/> (GetRecord's, then GetCaseload's, in calls per second), the paced phases offer those
/// rates instead, so two runs (one silo, three) can be compared at the same offered load.
/// </summary>
public sealed class ReadBenchmark(CallInvoker channel, BenchmarkTokens tokens, int concurrency, TimeSpan duration, int visitsPerClient, int seed,
    IReadOnlyList<double>? pacedRates = null)
{
    private const string HealthCheck = Ceilings.HealthCheck;
    public const double PacedShare = 0.7;

    /// <summary>Runs the benchmark; the Markdown table and the number of calls that failed.</summary>
    public async Task<(string Markdown, long Errors)> Run(TextWriter progress)
    {
        var team = await BenchmarkTeam.Form(channel, tokens, new Random(seed));
        var records = new CareRecordService.CareRecordServiceClient(channel);
        var caseloads = new TeamService.TeamServiceClient(channel);
        await progress.WriteLineAsync($"reads: one team, {team.Clients.Count} clients, {visitsPerClient} visits each");
        var visits = team.Clients.Count * visitsPerClient;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async caller =>
        {
            for (var i = caller; i < visits; i += concurrency)
            {
                var (clientId, nurseId) = team.Clients[i % team.Clients.Count];
                await records.RecordVisitAsync(BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddHours(-2)), team.Nurse);
            }
        }));

        var measurements = new Measurements();
        var walls = new Dictionary<string, (TimeSpan Wall, double? Offered)>(StringComparer.Ordinal);
        var health = new Health.HealthClient(channel);
        // Each call is recorded under the row's name: the operation itself, or its paced row.
        Task<object?> Operation(string operation, string row, long i, long? since = null) => operation switch
        {
            HealthCheck => measurements.Time<object>(row, async () => await health.CheckAsync(new HealthCheckRequest()), since),
            "GetRecord" => measurements.Time<object>(row, async () =>
                await records.GetRecordAsync(new GetRecordRequest { ClientId = team.Clients[(int)(i % team.Clients.Count)].ClientId }, team.Nurse), since),
            _ => measurements.Time<object>(row, async () => await caseloads.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId }, team.Nurse), since),
        };

        foreach (var name in new[] { HealthCheck, "GetRecord", "GetCaseload" })
        {
            await progress.WriteLineAsync($"reads: {name}, {concurrency} callers, {duration.TotalSeconds:0} s");
            walls[name] = (await Load.Run(concurrency, duration, (caller, i) => Operation(name, name, caller * 1_000_003L + i)), null);
        }
        foreach (var (name, at) in new[] { ("GetRecord", 0), ("GetCaseload", 1) })
        {
            double? given = pacedRates is { } rates && at < rates.Count ? rates[at] : null;
            var rate = given ?? PacedShare * measurements.Operations[name].Count / walls[name].Wall.TotalSeconds;
            var paced = given is null ? $"{name} at {PacedShare:P0} of its rate" : $"{name} paced at {rate:0}/s";
            await progress.WriteLineAsync($"reads: {paced} ({rate:0}/s), {duration.TotalSeconds:0} s");
            walls[paced] = (await Paced(rate, duration, async (i, due) => await Operation(name, paced, i, due)), rate);
        }
        return (Report(measurements, walls), measurements.Errors);
    }

    /// <summary>
    /// Starts calls at a steady <paramref name="rate"/> whether or not earlier ones have answered (an open loop); each
    /// call gets its index and the <see cref="Stopwatch"/> timestamp it was due at.
    /// </summary>
    private static async Task<TimeSpan> Paced(double rate, TimeSpan duration, Func<long, long, Task> call)
    {
        var interval = Stopwatch.Frequency / rate;
        var started = Stopwatch.GetTimestamp();
        var total = (long)(rate * duration.TotalSeconds);
        var calls = new List<Task>((int)Math.Min(total, 1_000_000));
        for (long i = 0; i < total; i++)
        {
            var due = started + (long)(i * interval);
            // Until the call is due: at low rates one short delay ends well before it, and a call started early would
            // count no wait at all (its latency is measured from when it was due).
            while (Stopwatch.GetTimestamp() < due - Stopwatch.Frequency / 1000) await Task.Delay(1);
            var index = i;
            calls.Add(Task.Run(() => call(index, due)));
        }
        await Task.WhenAll(calls);
        return Stopwatch.GetElapsedTime(started);
    }

    private static string Report(Measurements measurements, Dictionary<string, (TimeSpan Wall, double? Offered)> walls)
    {
        double Rate(string name) => measurements.Operations[name].Count / walls[name].Wall.TotalSeconds;
        var ceiling = Rate(HealthCheck);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; closed loop = every caller calls again as soon as answered; paced = calls started at a steady rate, latency from when each was due.");
        report.AppendLine();
        report.AppendLine("| operation | calls | offered /s | per second | share of health-check rate | p50 ms | p90 ms | p99 ms | max ms | errors |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, (_, offered)) in walls)
        {
            var op = measurements.Operations[name];
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {op.Count} | {(offered is { } o ? o.ToString("0", CultureInfo.InvariantCulture) : "closed loop")} | {Rate(name):0} | {Rate(name) / ceiling:P0} | {op.PercentileMs(50):0.00} | {op.PercentileMs(90):0.00} | {op.PercentileMs(99):0.00} | {op.MaxMs:0.00} | {op.Errors} |");
        }
        return report.ToString();
    }
}
