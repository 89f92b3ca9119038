using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Deployment.Tests.Tooling;
using Buurtzorg.TestSupport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
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
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(5); // as k8s/base/deployment.yaml sets it

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
            Assert.True(await Until(() => Probe(http, pod, "/health/startup"), HttpStatusCode.OK, StartupPatience, process), $"{pod.Name} did not start.\n{diagnostics()}");
            Assert.Equal(HttpStatusCode.OK, await Probe(http, pod, "/health/ready"));
            Assert.Equal(HttpStatusCode.OK, await Probe(http, pod, "/health/live"));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await GrpcHealth(pod, "readiness"));
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
        Assert.True(await Until(() => Probe(http, b, "/health/ready"), HttpStatusCode.ServiceUnavailable, DrainDelay, processB),
            $"{b.Name}'s readiness did not turn false within the drain delay of SIGTERM.\n{diagnostics()}");
        Assert.False(processB.HasExited);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await GrpcHealth(b, "readiness"));
        Assert.Equal(HttpStatusCode.OK, await Probe(http, b, "/health/live"));
        Assert.Equal(teams[1], (await viaB.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teams[1] })).Team.TeamId);

        // Then it drains and leaves the cluster cleanly, within the host's shutdown timeout.
        Assert.True(await processB.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"{b.Name} did not stop after SIGTERM.\n{processB.Output}");
        Assert.True(processB.ExitCode == 0, processB.Output);
        Assert.Equal([(a.Name, a.Ip, 3), (b.Name, b.Ip, 6)], await Members(database, cluster));

        // a was ready throughout, and now serves every grain, those that lived on b included, and takes new work.
        Assert.Equal(HttpStatusCode.OK, await Probe(http, a, "/health/ready"));
        foreach (var team in teams) Assert.Equal(team, (await viaA.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team })).Team.TeamId);
        Assert.NotEmpty((await viaA.ActiveTeam()).TeamId);

        await processA.TerminateAsync();
        Assert.True(await processA.WaitForExitAsync(TimeSpan.FromSeconds(45)) && processA.ExitCode == 0, processA.Output);
        log.WriteLine(diagnostics());
    }

    /// <summary>One "pod": its name and IP, and its own ports (the pods share this machine's network).</summary>
    private sealed class Pod(string name, string ip)
    {
        private static readonly string SealKey = Convert.ToBase64String(Enumerable.Range(200, 32).Select(i => (byte)i).ToArray());

        public string Name { get; } = name;

        public string Ip { get; } = ip;

        public int GrpcPort { get; } = FreePort();

        public int ProbePort { get; } = FreePort();

        public string GrpcAddress => string.Create(CultureInfo.InvariantCulture, $"http://{Ip}:{GrpcPort}");

        public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(GrpcAddress);

        private GrpcChannel? _channel;

        /// <summary>The environment k8s/base/deployment.yaml gives a silo, with this pod's values.</summary>
        public HostProcess Start(PublishedHost published, string database, string cluster) =>
            HostProcess.Start(Name, published.HostAssembly, new Dictionary<string, string>
            {
                ["POD_NAME"] = Name,
                ["POD_NAMESPACE"] = "buurtzorg",
                ["POD_IP"] = Ip,
                ["ORLEANS_SERVICE_ID"] = "buurtzorg",
                ["ORLEANS_CLUSTER_ID"] = cluster,
                ["ASPNETCORE_URLS"] = GrpcAddress,
                ["Probes__Port"] = ProbePort.ToString(CultureInfo.InvariantCulture),
                ["Orleans__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Orleans__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                // In a pod the silo listens on every address of its own network; here the pods share one, so each
                // listens on its own address only.
                ["Orleans__ListenOnAnyAddress"] = "false",
                ["Probes__DrainDelaySeconds"] = DrainDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                ["DOTNET_SHUTDOWNTIMEOUTSECONDS"] = "45",
                ["ConnectionStrings__Buurtzorg"] = database,
                ["Security__Jwt__Keys__0__Id"] = TestKeys.FirstId,
                ["Security__Jwt__Keys__0__Secret"] = TestKeys.FirstSecret,
                ["Security__CallerSealKey"] = SealKey,
            });

        /// <summary>A team app on this pod, its calls carrying tokens signed with the pods' key.</summary>
        public TeamApp App()
        {
            var issuer = new TokenIssuer(SigningKeys.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build()));
            return new TeamApp(Channel, caller => issuer.Mint(caller.Subject, caller.Role, caller.TeamId, TimeSpan.FromHours(1)));
        }
    }

    private static async Task<HttpStatusCode?> Probe(HttpClient http, Pod pod, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{pod.Ip}:{pod.ProbePort}{path}")));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening (yet, or any more)
        }
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> GrpcHealth(Pod pod, string service) =>
        (await new Health.HealthClient(pod.Channel).CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5))).Status;

    /// <summary>Polls every 100 ms until the probe answers <paramref name="expected"/>; false at the timeout or if the process ends.</summary>
    private static async Task<bool> Until(Func<Task<HttpStatusCode?>> probe, HttpStatusCode expected, TimeSpan timeout, HostProcess process)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await probe() == expected) return true;
            await Task.Delay(100);
        }
        return false;
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
