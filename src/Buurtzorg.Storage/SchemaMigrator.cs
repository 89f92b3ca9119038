using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Buurtzorg.Storage;

/// <summary>
/// Brings a PostgreSQL database up to the schema this build expects: applies the embedded migrations it lacks, in
/// order, each in its own transaction together with its row in <c>schema_migrations</c>.
/// </summary>
/// <remarks>
/// Safe to call from every silo as it starts: a session-level advisory lock lets one caller migrate while the others
/// wait, then find nothing left to do. A migration that was edited after it was applied is refused, never re-run.
/// </remarks>
public static partial class SchemaMigrator
{
    // "BZSCHEMA" in ASCII. Advisory locks are per database, so clusters sharing a server do not wait on each other.
    private const long AdvisoryLockKey = 0x425A_5343_4845_4D41;

    private const string ResourcePrefix = "Buurtzorg.Storage.Migrations.";

    private static readonly Lazy<IReadOnlyList<SchemaMigration>> Embedded = new(LoadEmbeddedMigrations);

    /// <summary>The migrations embedded in this build, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations => Embedded.Value;

    /// <summary>Applies the migrations the database lacks and reports what it found and did.</summary>
    /// <exception cref="SchemaMigrationException">
    /// An applied migration's checksum differs from this build's copy, or a migration failed (it is rolled back).
    /// </exception>
    public static async Task<MigrationReport> ApplyAsync(string connectionString, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // A session of its own, outside any pool, for a caller that has no data source (the migrate command, tests).
        await using var unpooled = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false });
        return await ApplyAsync(unpooled, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the migrations on one connection of <paramref name="database"/> (a silo's own pool, so migrating costs
    /// no connection beyond it). The advisory lock is the session's: it is released before the connection goes back to
    /// the pool, and Npgsql's reset of a returned connection (<c>DISCARD ALL</c>) would release it in any case.
    /// </summary>
    /// <exception cref="SchemaMigrationException">
    /// An applied migration's checksum differs from this build's copy, or a migration failed (it is rolled back).
    /// </exception>
    public static async Task<MigrationReport> ApplyAsync(NpgsqlDataSource database, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        logger ??= NullLogger.Instance;
        var migrations = Migrations;

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, AdvisoryLockKey).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken).ConfigureAwait(false);

            var recorded = await ReadRecordedAsync(connection, cancellationToken).ConfigureAwait(false);
            Verify(migrations, recorded, logger);

            var appliedNow = new List<SchemaMigration>();
            var alreadyApplied = new List<SchemaMigration>();
            foreach (var migration in migrations)
            {
                if (recorded.ContainsKey(migration.Version))
                {
                    alreadyApplied.Add(migration);
                    continue;
                }
                await ApplyOneAsync(connection, migration, logger, cancellationToken).ConfigureAwait(false);
                appliedNow.Add(migration);
            }

            var report = new MigrationReport(appliedNow, alreadyApplied);
            LogCurrent(logger, report.CurrentVersion, appliedNow.Count);
            return report;
        }
        finally
        {
            await UnlockAsync(connection).ConfigureAwait(false);
        }
    }

    private static async Task UnlockAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
            return;
        try
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, AdvisoryLockKey).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The lock ends with the session (a broken connection is never pooled again) or with the reset of a pooled one;
            // never hide the exception that brought us here.
        }
    }

    private static void Verify(IReadOnlyList<SchemaMigration> migrations, Dictionary<int, (string Name, string Checksum)> recorded, ILogger logger)
    {
        foreach (var migration in migrations)
        {
            if (recorded.TryGetValue(migration.Version, out var row) && !string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new SchemaMigrationException(
                    $"Migration {migration} was changed after it was applied to this database " +
                    $"(checksum recorded {row.Checksum}, this build has {migration.Checksum}). " +
                    "Never edit an applied migration: restore its text and put the change in a new migration.");
            }
        }

        // A newer build has migrated further (a rolling upgrade in progress): its migrations only add, so carry on.
        var known = migrations.Select(m => m.Version).ToHashSet();
        foreach (var (version, row) in recorded.Where(r => !known.Contains(r.Key)).OrderBy(r => r.Key))
            LogUnknownVersion(logger, version, row.Name);
    }

    private static async Task ApplyOneAsync(NpgsqlConnection connection, SchemaMigration migration, ILogger logger, CancellationToken cancellationToken)
    {
        LogApplying(logger, migration);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var script = new NpgsqlCommand(migration.Script, connection, transaction))
                await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw new SchemaMigrationException($"Migration {migration} failed and was rolled back: {e.MessageText} (SQLSTATE {e.SqlState}).", e);
        }
        LogApplied(logger, migration, stopwatch.ElapsedMilliseconds);
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadRecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<int, (string, string)>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            recorded.Add(reader.GetInt32(0), (reader.GetString(1), reader.GetString(2)));
        return recorded;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, long? key = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (key is { } value)
            command.Parameters.AddWithValue("key", value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<SchemaMigration> LoadEmbeddedMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
                continue;
            var fileName = resource[ResourcePrefix.Length..^".sql".Length];
            var match = MigrationFileName().Match(fileName);
            if (!match.Success)
                throw new InvalidOperationException($"Migration '{fileName}.sql' is not named NNNN_lower_snake_name.sql.");

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            // Checksummed with LF line endings, so a checkout that converts them does not look like an edit.
            var script = reader.ReadToEnd().ReplaceLineEndings("\n");
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
            migrations.Add(new SchemaMigration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, checksum, script));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migrations must be numbered 0001, 0002, ... without gaps or repeats; found {string.Join(", ", migrations)}.");
        }
        return migrations;
    }

    [GeneratedRegex("^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying schema migration {Migration}")]
    private static partial void LogApplying(ILogger logger, SchemaMigration migration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Migration} in {ElapsedMilliseconds} ms")]
    private static partial void LogApplied(ILogger logger, SchemaMigration migration, long elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is at version {Version} ({AppliedCount} migrations applied now)")]
    private static partial void LogCurrent(ILogger logger, int version, int appliedCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database has schema migration {Version} ({Name}) that this build does not know; a newer build applied it")]
    private static partial void LogUnknownVersion(ILogger logger, int version, string name);
}
