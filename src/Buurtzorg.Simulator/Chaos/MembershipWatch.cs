using Npgsql;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// Reads the cluster's rows of the membership table every quarter second (while PostgreSQL is up) and notes when each
/// silo — by its silo port, unique in a run because a replacement takes new ports — was first seen suspected (a vote
/// in <c>suspect_times</c>) and first seen dead (status 6), in seconds after the run's start.
/// </summary>
public sealed class MembershipWatch(string postgres, string clusterId, ChaosLedger ledger)
{
    private const int Dead = 6; // Orleans' SiloStatus.Dead

    private readonly Dictionary<int, double> _suspected = [];
    private readonly Dictionary<int, double> _dead = [];

    public IReadOnlyDictionary<int, double> Suspected
    {
        get
        {
            lock (_dead) return new Dictionary<int, double>(_suspected);
        }
    }

    public IReadOnlyDictionary<int, double> DeclaredDead
    {
        get
        {
            lock (_dead) return new Dictionary<int, double>(_dead);
        }
    }

    public async Task Run(CancellationToken cancellation)
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres) { Pooling = false, Timeout = 2, CommandTimeout = 2 }.ConnectionString;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await using var database = new NpgsqlConnection(connection);
                await database.OpenAsync(cancellation);
                while (!cancellation.IsCancellationRequested)
                {
                    await Read(database, cancellation);
                    await Task.Delay(250, cancellation);
                }
            }
            catch (Exception) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // PostgreSQL is down: read again when it is back.
            }
            await Task.Delay(250, CancellationToken.None);
        }
    }

    private async Task Read(NpgsqlConnection database, CancellationToken cancellation)
    {
        await using var query = new NpgsqlCommand(
            "SELECT port, status, coalesce(suspect_times, '') <> '' FROM orleans_membership WHERE deployment_id = $1", database);
        query.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        await using var rows = await query.ExecuteReaderAsync(cancellation);
        var now = ledger.Now;
        while (await rows.ReadAsync(cancellation))
        {
            var (port, status, suspected) = (rows.GetInt32(0), rows.GetInt32(1), rows.GetBoolean(2));
            lock (_dead)
            {
                if (suspected) _suspected.TryAdd(port, now);
                if (status == Dead) _dead.TryAdd(port, now);
            }
        }
    }
}
