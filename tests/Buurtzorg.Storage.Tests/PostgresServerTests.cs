using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

/// <summary>The throwaway server the storage and durable tests stand on.</summary>
[Collection(SharedPostgres.Name)]
public sealed class PostgresServerTests(PostgresServer postgres)
{
    [Fact]
    public async Task Each_database_is_fresh_and_empty()
    {
        var first = await postgres.CreateDatabaseAsync("Fresh one!");
        var second = await postgres.CreateDatabaseAsync("Fresh one!");

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.StartsWith("fresh_one__", new NpgsqlConnectionStringBuilder(first).Database, StringComparison.Ordinal);
        Assert.Equal(0L, await Database.ScalarAsync<long>(first, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections_and_comes_back_on_the_same_port_with_its_data()
    {
        var database = await postgres.CreateDatabaseAsync("restart");
        await Database.ExecuteAsync(database, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        var port = postgres.Port;

        await postgres.StopAsync();
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => Database.ScalarAsync<int>(database, "SELECT 1"));
        }
        finally
        {
            await postgres.StartAsync();
        }

        // The pooled connections from before the stop are dropped, so the very first query works.
        Assert.Equal(port, postgres.Port);
        Assert.Equal(1, await Database.ScalarAsync<int>(database, "SELECT id FROM kept"));
    }

    [Fact]
    public void Without_postgresql_binaries_it_fails_and_says_how_to_install_them()
    {
        var nowhere = Directory.CreateTempSubdirectory("no-postgres-").FullName;
        try
        {
            var missing = Assert.Throws<InvalidOperationException>(() => PostgresServer.FindBinaries(nowhere, Path.Combine(nowhere, "lib")));

            Assert.Contains("apt-get install -y postgresql", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(nowhere, recursive: true);
        }
    }
}
