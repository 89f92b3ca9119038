using System.Net;
using Buurtzorg.Api.V1;
using Buurtzorg.Deployment.Tests.Tooling;
using Buurtzorg.TestSupport;
using Grpc.Health.V1;
using Npgsql;
using Xunit.Abstractions;

namespace Buurtzorg.Deployment.Tests;

/// <summary>
/// The published host run as Kubernetes runs it: separate processes configured by the downward API's variables and a
/// PostgreSQL connection string, each "pod" on its own loopback address, stopped with SIGTERM.
/// </summary>
[Collection(PublishedHost.Collection)]
public sealed class PodTests(PublishedHost published, PostgresServer postgres, ITestOutputHelper log) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Two_pods_form_one_cluster_and_one_stopped_with_SIGTERM_drains_while_the_other_serves_every_grain()
    {
        var database = await postgres.CreateDatabaseAsync("pods");
        var cluster = $"pods-{Guid.NewGuid():N}";

        // The migration Job first, as in production: the same image, `migrate`.
        await using (var migrate = HostProcess.Start("migrate", published.HostAssembly, new Dictionary<string, string> { ["ConnectionStrings__Buurtzorg"] = database }, "migrate"))
        {
            Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1)) && migrate.ExitCode == 0, migrate.Output);
        }

        var a = new Pod("buurtzorg-silo-a", "127.0.0.2");
        var b = new Pod("buurtzorg-silo-b", "127.0.0.3");
        await using var processA = a.Start(published, database, cluster);
        await using var processB = b.Start(published, database, cluster);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var diagnostics = () => processA.Output + "\n" + processB.Output;

        // Startup: both join, then both are ready.
        foreach (var (pod, process) in new[] { (a, processA), (b, processB) })
        {
            Assert.True(await Pod.Until(() => pod.Probe(http, "/health/startup"), HttpStatusCode.OK, StartupPatience, process), $"{pod.Name} did not start.\n{diagnostics()}");
            // Ready once the whole host has started, a moment after the silo joined.
            Assert.True(await Pod.Until(() => pod.Probe(http, "/health/ready"), HttpStatusCode.OK, StartupPatience, process), $"{pod.Name} did not turn ready.\n{diagnostics()}");
            Assert.Equal(HttpStatusCode.OK, await pod.Probe(http, "/health/live"));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await pod.GrpcHealth("readiness"));
        }

        // One cluster: both active in the membership table under their pod names and pod IPs.
        Assert.Equal([(a.Name, a.Ip, 3), (b.Name, b.Ip, 3)], await Members(database, cluster));

        // Teams made through both pods: with two silos, some of their grains live on each.
        var viaA = a.App();
        var viaB = b.App();
        var teams = new List<string>();
        for (var i = 0; i < 12; i++) teams.Add((await (i % 2 == 0 ? viaA : viaB).ActiveTeam()).TeamId);
        foreach (var app in new[] { viaA, viaB })
        {
            foreach (var team in teams) Assert.Equal(team, (await app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team })).Team.TeamId);
        }

        // SIGTERM to b: its readiness turns false first, while it still serves.
        await processB.TerminateAsync();
        Assert.True(await Pod.Until(() => b.Probe(http, "/health/ready"), HttpStatusCode.ServiceUnavailable, Pod.DrainDelay, processB),
            $"{b.Name}'s readiness did not turn false within the drain delay of SIGTERM.\n{diagnostics()}");
        Assert.False(processB.HasExited);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await b.GrpcHealth("readiness"));
        Assert.Equal(HttpStatusCode.OK, await b.Probe(http, "/health/live"));
        Assert.Equal(teams[1], (await viaB.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teams[1] })).Team.TeamId);

        // Then it drains and leaves the cluster cleanly, within the host's shutdown timeout.
        Assert.True(await processB.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"{b.Name} did not stop after SIGTERM.\n{processB.Output}");
        Assert.True(processB.ExitCode == 0, processB.Output);
        Assert.Equal([(a.Name, a.Ip, 3), (b.Name, b.Ip, 6)], await Members(database, cluster));

        // a was ready throughout, and now serves every grain, those that lived on b included, and takes new work.
        Assert.Equal(HttpStatusCode.OK, await a.Probe(http, "/health/ready"));
        foreach (var team in teams) Assert.Equal(team, (await viaA.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team })).Team.TeamId);
        Assert.NotEmpty((await viaA.ActiveTeam()).TeamId);

        await processA.TerminateAsync();
        Assert.True(await processA.WaitForExitAsync(TimeSpan.FromSeconds(45)) && processA.ExitCode == 0, processA.Output);
        log.WriteLine(diagnostics());
    }

    private static async Task<List<(string Name, string Ip, int Status)>> Members(string database, string cluster)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT silo_name, address, status FROM orleans_membership WHERE deployment_id = @cluster ORDER BY silo_name", connection);
        query.Parameters.AddWithValue("cluster", cluster);
        await using var reader = await query.ExecuteReaderAsync();
        var members = new List<(string, string, int)>();
        while (await reader.ReadAsync()) members.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        return members;
    }
}
