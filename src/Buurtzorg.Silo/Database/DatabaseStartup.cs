using System.Net.Sockets;
using Buurtzorg.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Buurtzorg.Silo.Database;

/// <summary>
/// The first step of a durable silo's start: reach PostgreSQL and bring its schema up to date, before Orleans reads
/// its membership, state or reminders there. While the database cannot be reached the silo waits and tries again,
/// with a growing pause and one log line per attempt, instead of exiting: the process stays alive (liveness answers),
/// not ready (readiness does not), and carries on by itself once the database answers. A fault waiting cannot mend
/// (a wrong password, an edited migration) still stops the start.
/// </summary>
public sealed partial class DatabaseStartup(
    NpgsqlDataSource database,
    PostgresTarget target,
    IOptions<PostgresOptions> options,
    ILogger<DatabaseStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Before the runtime starts, and so before the membership table, grain storage and reminders.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(DatabaseStartup), Stage, Start);

    /// <summary>Waits for the database, migrates it, and reports what this silo may open against what the server allows.</summary>
    public async Task Start(CancellationToken cancellationToken)
    {
        LogPool(logger, target.Where, target.MaxPoolSize);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var report = await SchemaMigrator.ApplyAsync(database, logger, cancellationToken);
                LogMigrated(logger, report);
                break;
            }
            catch (Exception e) when (WorthWaitingFor(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = Delay(attempt);
                LogWaiting(logger, target.Where, attempt, Reason(e), delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
        await CheckServerLimit(cancellationToken);
    }

    /// <summary>Doubling from half a second up to <see cref="PostgresOptions.StartupRetryMaxDelaySeconds"/>, give or take a tenth so silos spread out.</summary>
    public TimeSpan Delay(int attempt)
    {
        var most = TimeSpan.FromSeconds(Math.Max(options.Value.StartupRetryMaxDelaySeconds, FirstDelay.TotalSeconds));
        var doubled = FirstDelay * Math.Pow(2, Math.Min(attempt - 1, 16));
        var delay = doubled < most ? doubled : most;
        return delay * (0.9 + (Random.Shared.NextDouble() * 0.2));
    }

    /// <summary>
    /// The database unreachable, starting up, shutting down, out of connections (<see cref="StorageFaults.IsOutage"/>),
    /// or not created yet; also a migration cut short by one of those. Not: refused credentials, a bad migration.
    /// </summary>
    public static bool WorthWaitingFor(Exception e) => e switch
    {
        SchemaMigrationException { InnerException: { } inner } => WorthWaitingFor(inner),
        PostgresException { SqlState: "3D000" } => true, // the database does not exist yet (a server still being set up)
        _ => StorageFaults.IsOutage(e),
    };

    /// <summary>
    /// Why an attempt failed, in words fit for a log: PostgreSQL's SQLSTATE and its own text (which names no values),
    /// or how the connection failed. Never the connection string.
    /// </summary>
    public static string Reason(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case PostgresException p:
                    return $"PostgreSQL answered {p.SqlState}: {p.MessageText}";
                case SocketException s:
                    return $"connection failed: {s.SocketErrorCode}";
                case TimeoutException:
                    return "connection timed out";
            }
        }
        return e.GetType().Name;
    }

    private async Task CheckServerLimit(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.CreateCommand("SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (server, reserved) = (reader.GetInt32(0), reader.GetInt32(1));
            LogServerLimit(logger, server, reserved, target.MaxPoolSize);
            if (options.Value.MaxConnections is { } sizedFor && server < sizedFor)
                LogServerBelowSizing(logger, server, sizedFor);
            if (target.MaxPoolSize > server - reserved)
                LogPoolAboveServer(logger, target.MaxPoolSize, server - reserved);
        }
        catch (Exception e) when (StorageFaults.IsOutage(e))
        {
            // Only a report: the database went away again just after migrating, and Orleans' own start will say so.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL {Where}: this silo opens at most {MaxPoolSize} connections, all from one pool (membership, grain state, reminders, journal, audit trail, migrations)")]
    private static partial void LogPool(ILogger logger, string where, int maxPoolSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL {Where} cannot be used yet (attempt {Attempt}: {Reason}); trying again in {DelaySeconds:0.0} s. The silo is alive and not ready meanwhile")]
    private static partial void LogWaiting(ILogger logger, string where, int attempt, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current: {Report}")]
    private static partial void LogMigrated(ILogger logger, MigrationReport report);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL allows {MaxConnections} connections ({Reserved} reserved for superusers); this silo may open {MaxPoolSize} of them")]
    private static partial void LogServerLimit(ILogger logger, int maxConnections, int reserved, int maxPoolSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL allows {MaxConnections} connections, fewer than the {SizedFor} this deployment was sized for (Postgres:MaxConnections): silos may meet 'too many clients'")]
    private static partial void LogServerBelowSizing(ILogger logger, int maxConnections, int sizedFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo's pool ({MaxPoolSize}) is larger than all PostgreSQL lets ordinary roles open ({Available}): lower Postgres:MaxPoolSize")]
    private static partial void LogPoolAboveServer(ILogger logger, int maxPoolSize, int available);
}

/// <summary>The database a durable silo uses, as logs may name it, and the size of its one pool.</summary>
public sealed record PostgresTarget(string Where, int MaxPoolSize);
