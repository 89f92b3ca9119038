namespace Buurtzorg.Silo.Database;

/// <summary>
/// Configuration section <c>Postgres</c> (environment: <c>Postgres__MaxPoolSize</c>, ...): how many connections this
/// silo may hold, and how it waits for a database that is not there yet. docs/OPERATIONS.md has the arithmetic.
/// </summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    /// <summary>
    /// The most connections this silo opens, all of them from one pool. Unset: the connection string's
    /// <c>Maximum Pool Size</c> if it names one, else <see cref="Storage.PostgresPool.DefaultMaxPoolSize"/>.
    /// </summary>
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// The server's <c>max_connections</c> the deployment was sized for (silos × pool plus a reserve). Unset: not checked.
    /// Set: a silo warns at start when the server allows fewer.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>The longest wait between two attempts to reach the database at start (the first waits half a second).</summary>
    public double StartupRetryMaxDelaySeconds { get; set; } = 10;
}
