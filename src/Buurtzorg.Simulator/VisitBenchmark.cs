using System.Globalization;
using System.Text;
using Buurtzorg.Api.V1;
using Buurtzorg.Simulator.OrganisationDay;
using Grpc.Core;

namespace Buurtzorg.Simulator;

/// <summary>
/// The most frequent write, measured: visits recorded by many callers at once, against two ceilings taken in the same
/// run at the same concurrency: a trivial gRPC call (the health check) on the same server, and — given the database —
/// PostgreSQL's rate of single-row committed upserts.
/// </summary>
public sealed class VisitBenchmark(CallInvoker channel, BenchmarkTokens tokens, int concurrency, TimeSpan duration, string? postgres, int seed)
{
    public async Task<string> Run()
    {
        var measurements = new Measurements();
        var team = await BenchmarkTeam.Form(channel, tokens, new Random(seed));
        var clients = team.Clients;

        var walls = await Ceilings.Measure(channel, postgres, concurrency, duration, measurements);
        var records = new CareRecordService.CareRecordServiceClient(channel);
        walls["RecordVisit"] = await Load.Run(concurrency, duration, (caller, i) =>
        {
            var (clientId, nurseId) = clients[(int)((caller + i * concurrency) % clients.Count)];
            return measurements.Time("RecordVisit", () => records.RecordVisitAsync(
                BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddMinutes(-30)), team.Nurse).ResponseAsync);
        });

        return Report(measurements, walls);
    }

    private string Report(Measurements measurements, Dictionary<string, TimeSpan> wallTimes)
    {
        double Rate(string op) => measurements.Operations.TryGetValue(op, out var o) && wallTimes.TryGetValue(op, out var t) ? o.Count / t.TotalSeconds : double.NaN;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"concurrency {concurrency}, {duration.TotalSeconds:0} s per phase, {Environment.ProcessorCount} cores");
        report.AppendLine();
        report.AppendLine("| operation | calls | per second | p50 ms | p90 ms | p99 ms | max ms | errors | share of health-check rate | share of upsert rate |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, op) in measurements.Operations.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var rate = Rate(name);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {op.Count} | {rate:0} | {op.PercentileMs(50):0.00} | {op.PercentileMs(90):0.00} | {op.PercentileMs(99):0.00} | {op.MaxMs:0.00} | {op.Errors} | {rate / Rate(Ceilings.HealthCheck):P0} | {(double.IsNaN(Rate(Ceilings.Upsert)) ? "–" : (rate / Rate(Ceilings.Upsert)).ToString("P0", CultureInfo.InvariantCulture))} |");
        }
        return report.ToString();
    }
}
