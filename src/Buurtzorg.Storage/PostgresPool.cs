using System.Globalization;
using Npgsql;

namespace Buurtzorg.Storage;

/// <summary>
/// The one pool of PostgreSQL connections a silo opens: Orleans' membership, grain state and reminders, the record
/// journal, the audit trail, the group commit and the schema migration all take their connections from the
/// <see cref="NpgsqlDataSource"/> made here, so the pool's size is the most this silo ever holds open.
/// </summary>
public static class PostgresPool
{
    /// <summary>
    /// Connections per silo when neither the configuration nor the connection string says: room for the group commit's
    /// two writers, Orleans' membership and reminders and a burst of grain-state writes, and still 3 silos (and a rolling
    /// update's extra one) inside PostgreSQL's default <c>max_connections</c> of 100.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// Fewer and a silo can deadlock on itself: the group commit's two writers, the membership's heartbeat and one grain
    /// write must all be able to hold a connection at once.
    /// </summary>
    public const int LeastMaxPoolSize = 5;

    /// <summary>
    /// Connections a deployment keeps free of silos when it sizes PostgreSQL's <c>max_connections</c>: the server's own
    /// <c>superuser_reserved_connections</c> (3 by default), the migration Job (1), and room for an operator's psql, a
    /// backup and monitoring (6). docs/OPERATIONS.md, "Connections", has the arithmetic.
    /// </summary>
    public const int ReservedConnections = 10;

    /// <summary>
    /// The pool size: <paramref name="configured"/> when given, else the connection string's own
    /// <c>Maximum Pool Size</c> when it names one, else <see cref="DefaultMaxPoolSize"/>.
    /// </summary>
    public static int MaxPoolSize(string connectionString, int? configured)
    {
        var named = new NpgsqlConnectionStringBuilder(connectionString);
        var size = configured ?? (SetsMaxPoolSize(connectionString) ? named.MaxPoolSize : DefaultMaxPoolSize);
        if (size < LeastMaxPoolSize)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The PostgreSQL pool would hold {size} connections; a silo needs at least {LeastMaxPoolSize} (set Postgres:MaxPoolSize)."));
        }
        return size;
    }

    /// <summary>The silo's data source: pooled, at most <paramref name="maxPoolSize"/> connections.</summary>
    public static NpgsqlDataSource Create(string connectionString, int maxPoolSize)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "buurtzorg" };
        builder.ConnectionStringBuilder.Pooling = true;
        builder.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
        builder.ConnectionStringBuilder.MinPoolSize = Math.Min(builder.ConnectionStringBuilder.MinPoolSize, maxPoolSize);
        return builder.Build();
    }

    /// <summary>Where the database is, for logs: host, port and database, never the user or password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"}");
    }

    // The plain builder keeps only the keys the string names (Npgsql's fills in every default).
    private static bool SetsMaxPoolSize(string connectionString) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .Any(key => key.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase) || key.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase));
}
