using System.Globalization;
using System.Text;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;

namespace Buurtzorg.Simulator;

/// <summary>
/// The most frequent write, measured: visits recorded by many callers at once, against two ceilings taken in the same
/// run at the same concurrency: a trivial gRPC call (the health check) on the same server, and — given the database —
/// PostgreSQL's rate of single-row committed upserts.
/// </summary>
public sealed class VisitBenchmark(GrpcChannel channel, TokenIssuer tokens, int concurrency, TimeSpan duration, string? postgres, int seed)
{
    public async Task<string> Run()
    {
        var measurements = new Measurements();
        var team = await BenchmarkTeam.Form(channel, tokens, new Random(seed));
        var clients = team.Clients;

        var health = new Health.HealthClient(channel);
        var healthTime = await Load.Run(concurrency, duration, (_, _) =>
            measurements.Time("ceiling: health check", () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync));

        TimeSpan? upsertTime = null;
        if (postgres is not null) upsertTime = await UpsertCeiling(measurements);

        var records = new CareRecordService.CareRecordServiceClient(channel);
        var nurse = team.Nurse;
        var visitTime = await Load.Run(concurrency, duration, (caller, i) =>
        {
            var (clientId, nurseId) = clients[(int)((caller + i * concurrency) % clients.Count)];
            return measurements.Time("RecordVisit", () => records.RecordVisitAsync(new RecordVisitRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ClientId = clientId,
                NurseId = nurseId,
                Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-30)),
                DurationMinutes = 30,
                DirectCareMinutes = 24,
                Note = "Benchmark visit.",
            }, nurse).ResponseAsync);
        });

        return Report(measurements, new Dictionary<string, TimeSpan?>
        {
            ["ceiling: health check"] = healthTime,
            ["ceiling: postgres upsert"] = upsertTime,
            ["RecordVisit"] = visitTime,
        });
    }

    private async Task<TimeSpan> UpsertCeiling(Measurements measurements)
    {
        await using var database = NpgsqlDataSource.Create(postgres!);
        await using (var create = database.CreateCommand("CREATE TABLE IF NOT EXISTS bench_upsert (id int PRIMARY KEY, n bigint NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        return await Load.Run(concurrency, duration, async (caller, i) =>
        {
            await measurements.Time("ceiling: postgres upsert", async () =>
            {
                await using var upsert = database.CreateCommand("INSERT INTO bench_upsert (id, n) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = bench_upsert.n + 1");
                upsert.Parameters.Add(new NpgsqlParameter { Value = (int)((caller * 100_000 + i) % 1_000_000) });
                return (object)await upsert.ExecuteNonQueryAsync();
            });
        });
    }

    private string Report(Measurements measurements, Dictionary<string, TimeSpan?> wallTimes)
    {
        double Rate(string op) => measurements.Operations.TryGetValue(op, out var o) && wallTimes[op] is { } t ? o.Count / t.TotalSeconds : double.NaN;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"concurrency {concurrency}, {duration.TotalSeconds:0} s per phase, {Environment.ProcessorCount} cores");
        report.AppendLine();
        report.AppendLine("| operation | calls | per second | p50 ms | p90 ms | p99 ms | max ms | errors | share of health-check rate | share of upsert rate |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, op) in measurements.Operations.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var rate = Rate(name);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {op.Count} | {rate:0} | {op.PercentileMs(50):0.00} | {op.PercentileMs(90):0.00} | {op.PercentileMs(99):0.00} | {op.MaxMs:0.00} | {op.Errors} | {rate / Rate("ceiling: health check"):P0} | {(double.IsNaN(Rate("ceiling: postgres upsert")) ? "–" : (rate / Rate("ceiling: postgres upsert")).ToString("P0", CultureInfo.InvariantCulture))} |");
        }
        return report.ToString();
    }
}
