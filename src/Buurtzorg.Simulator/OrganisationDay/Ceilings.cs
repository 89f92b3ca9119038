using Grpc.Core;
using Grpc.Health.V1;
using Npgsql;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// What the machine can do at the same concurrency, measured in the same run: a trivial gRPC call on the same server
/// (the health check) and, given the database, PostgreSQL's single-row committed upserts.
/// </summary>
public static class Ceilings
{
    public const string HealthCheck = "ceiling: health check";
    public const string Upsert = "ceiling: postgres upsert";

    public static async Task<Dictionary<string, TimeSpan>> Measure(CallInvoker channel, string? postgres, int concurrency, TimeSpan duration, Measurements measurements)
    {
        var health = new Health.HealthClient(channel);
        var walls = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
        {
            [HealthCheck] = await Load.Run(concurrency, duration, (_, _) => measurements.Time(HealthCheck, () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync)),
        };
        if (postgres is null) return walls;
        await using var database = NpgsqlDataSource.Create(postgres);
        await using (var create = database.CreateCommand("CREATE TABLE IF NOT EXISTS bench_upsert (id int PRIMARY KEY, n bigint NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        walls[Upsert] = await Load.Run(concurrency, duration, (caller, i) => measurements.Time(Upsert, async () =>
        {
            await using var upsert = database.CreateCommand("INSERT INTO bench_upsert (id, n) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = bench_upsert.n + 1");
            upsert.Parameters.Add(new NpgsqlParameter { Value = (int)((caller * 100_000 + i) % 1_000_000) });
            return (object)await upsert.ExecuteNonQueryAsync();
        }));
        return walls;
    }
}
