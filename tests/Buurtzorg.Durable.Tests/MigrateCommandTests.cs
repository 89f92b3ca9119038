using System.Diagnostics;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class MigrateCommandTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_migrate_processes_at_once_and_a_third_after_leave_one_correct_schema()
    {
        var database = await postgres.CreateDatabaseAsync();

        var together = await Task.WhenAll(Migrate(database), Migrate(database));
        var again = await Migrate(database);

        Assert.All(together.Append(again), run => Assert.True(run.ExitCode == 0, run.Output));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
        await using var reader = await versions.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) > 0);
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        await reader.CloseAsync();
        foreach (var table in new[] { "orleansquery", "record_journal", "record_snapshot" })
        {
            await using var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection);
            Assert.True((bool)(await exists.ExecuteScalarAsync())!, $"table {table} is missing");
        }
    }

    [Fact]
    public async Task Migrate_without_a_database_says_what_it_needs()
    {
        var run = await Run("migrate");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ConnectionStrings__Buurtzorg", run.Output);
    }

    private static Task<(int ExitCode, string Output)> Migrate(string connectionString) => Run("migrate", "--postgres", connectionString);

    /// <summary>Runs the silo host's own command line, as an operator would, in a separate process.</summary>
    private static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Buurtzorg.Silo.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("ConnectionStrings__Buurtzorg");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
