using System.Net.Sockets;
using Buurtzorg.Silo.Database;
using Buurtzorg.Storage;
using Npgsql;

namespace Buurtzorg.Deployment.Tests;

/// <summary>How a silo sizes its one pool, names its database in logs, and decides whether a failed start is worth waiting out.</summary>
public sealed class ConnectionSettingsTests
{
    private const string Plain = "Host=db.internal;Port=5432;Database=buurtzorg;Username=silo;Password=hunter2-secret";

    [Fact]
    public void The_pool_is_the_configured_size_else_the_connection_strings_own_else_twenty()
    {
        Assert.Equal(12, PostgresPool.MaxPoolSize(Plain + ";Maximum Pool Size=50", configured: 12));
        Assert.Equal(50, PostgresPool.MaxPoolSize(Plain + ";Maximum Pool Size=50", configured: null));
        Assert.Equal(40, PostgresPool.MaxPoolSize(Plain + ";MaxPoolSize=40", configured: null));
        Assert.Equal(PostgresPool.DefaultMaxPoolSize, PostgresPool.MaxPoolSize(Plain, configured: null));
        Assert.Equal(20, PostgresPool.DefaultMaxPoolSize);
    }

    [Fact]
    public void A_pool_too_small_for_a_silo_to_work_is_refused_at_start()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => PostgresPool.MaxPoolSize(Plain, configured: 2));
        Assert.Contains("Postgres:MaxPoolSize", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_source_holds_at_most_the_pool_size_whatever_the_connection_string_says()
    {
        await using var database = PostgresPool.Create(Plain + ";Maximum Pool Size=100;Minimum Pool Size=30", 16);

        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal(16, settings.MaxPoolSize);
        Assert.Equal(16, settings.MinPoolSize);
        Assert.True(settings.Pooling);
    }

    [Fact]
    public void Logs_name_the_database_by_host_port_and_name_never_by_user_or_password()
    {
        var where = PostgresPool.Describe(Plain);

        Assert.Equal("db.internal:5432/buurtzorg", where);
        Assert.DoesNotContain("silo", where, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", where, StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_waits_out_an_unreachable_starting_or_full_server_but_not_refused_credentials()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        Assert.True(DatabaseStartup.WorthWaitingFor(refused));
        Assert.Equal("connection failed: ConnectionRefused", DatabaseStartup.Reason(refused));
        Assert.True(DatabaseStartup.WorthWaitingFor(Postgres("57P03", "the database system is starting up")));
        Assert.True(DatabaseStartup.WorthWaitingFor(Postgres("53300", "sorry, too many clients already")));
        Assert.True(DatabaseStartup.WorthWaitingFor(Postgres("3D000", "database \"buurtzorg\" does not exist")));
        Assert.True(DatabaseStartup.WorthWaitingFor(new SchemaMigrationException("cut short", Postgres("57P01", "terminating connection due to administrator command"))));

        Assert.False(DatabaseStartup.WorthWaitingFor(Postgres("28P01", "password authentication failed")));
        Assert.False(DatabaseStartup.WorthWaitingFor(new SchemaMigrationException("Migration 0003 was changed after it was applied")));
        Assert.Equal("PostgreSQL answered 57P03: the database system is starting up", DatabaseStartup.Reason(Postgres("57P03", "the database system is starting up")));
    }

    private static PostgresException Postgres(string sqlState, string message) => new(message, "FATAL", "FATAL", sqlState);
}
