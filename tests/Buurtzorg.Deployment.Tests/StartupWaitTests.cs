using System.Net;
using System.Text.Json;
using Buurtzorg.Api.V1;
using Buurtzorg.Deployment.Tests.Tooling;
using Buurtzorg.Silo.Probes;
using Buurtzorg.TestSupport;
using Grpc.Core;
using Npgsql;
using Xunit.Abstractions;

namespace Buurtzorg.Deployment.Tests;

/// <summary>
/// A pod that starts while its PostgreSQL is down waits for it — alive, not ready, one log line per attempt — instead
/// of exiting into Kubernetes' crash-loop back-off, and serves by itself once the database is back. The PostgreSQL
/// server is this class's own, so stopping it troubles no other test.
/// </summary>
[Collection(PublishedHost.Collection)]
public sealed class StartupWaitTests(PublishedHost published, PostgresServer postgres, ITestOutputHelper log) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private const string Waiting = "cannot be used yet";

    [Fact]
    public async Task A_pod_started_while_PostgreSQL_is_down_stays_alive_and_unready_and_serves_once_the_database_is_back()
    {
        var database = await postgres.CreateDatabaseAsync("startup_wait");
        await postgres.StopAsync();

        var pod = new Pod("buurtzorg-silo-w", "127.0.0.4");
        await using var process = pod.Start(published, database, $"wait-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["Postgres__StartupRetryMaxDelaySeconds"] = "2" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        // It tries, says so, and tries again: three attempts seen, and the process still there after them.
        Assert.True(await Pod.Eventually(() => Task.FromResult(Attempts(process) >= 3), Patience, process), $"no three attempts to reach the database.\n{process.Output}");
        Assert.False(process.HasExited, process.Output);
        Assert.Equal(HttpStatusCode.OK, await pod.Probe(http, SiloProbes.LivenessPath));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await pod.Probe(http, SiloProbes.ReadinessPath));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await pod.Probe(http, SiloProbes.StartupPath));
        // A call that reaches it anyway is told to come back, plainly.
        var early = await Assert.ThrowsAsync<RpcException>(() => pod.App().ActiveTeam());
        Assert.Equal(StatusCode.Unavailable, early.StatusCode);
        Assert.Equal(StartupGate.Message, early.Status.Detail);

        await postgres.StartAsync();

        Assert.True(await Pod.Until(() => pod.Probe(http, SiloProbes.ReadinessPath), HttpStatusCode.OK, Patience, process),
            $"{pod.Name} did not turn ready after the database came back.\n{process.Output}");
        Assert.NotEmpty((await pod.App().ActiveTeam()).TeamId);

        await process.TerminateAsync();
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(45)) && process.ExitCode == 0, process.Output);
        log.WriteLine(process.Output);

        // Every line it wrote was a JSON log entry stamped in UTC, and none of them named the user or the connection string.
        var lines = process.StandardOutputLines;
        Assert.All(lines, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", Timestamp(line)));
        var user = new NpgsqlConnectionStringBuilder(database).Username!;
        Assert.DoesNotContain(lines, line => line.Contains(database, StringComparison.Ordinal) || line.Contains($"Username={user}", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(lines, line => line.Contains("this silo opens at most 16 connections", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pod_stopped_while_it_waits_for_PostgreSQL_exits_cleanly()
    {
        var database = await postgres.CreateDatabaseAsync("startup_stop");
        await postgres.StopAsync();
        try
        {
            var pod = new Pod("buurtzorg-silo-s", "127.0.0.5");
            await using var process = pod.Start(published, database, $"stop-{Guid.NewGuid():N}");
            Assert.True(await Pod.Eventually(() => Task.FromResult(Attempts(process) >= 1), Patience, process), $"no attempt to reach the database.\n{process.Output}");

            await process.TerminateAsync();

            Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"{pod.Name} did not stop after SIGTERM.\n{process.Output}");
            Assert.True(process.ExitCode == 0, process.Output);
        }
        finally
        {
            await postgres.StartAsync();
        }
    }

    private static int Attempts(HostProcess process) => process.StandardOutputLines.Count(line => line.Contains(Waiting, StringComparison.Ordinal));

    private static string Timestamp(string line)
    {
        using var entry = JsonDocument.Parse(line);
        return entry.RootElement.GetProperty("Timestamp").GetString()!;
    }
}
