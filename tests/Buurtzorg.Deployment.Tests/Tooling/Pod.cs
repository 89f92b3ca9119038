using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>One "pod": its name and IP, and its own ports (the pods share this machine's network).</summary>
public sealed class Pod(string name, string ip)
{
    /// <summary>As k8s/base/deployment.yaml sets it.</summary>
    public static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(5);

    private static readonly string SealKey = Convert.ToBase64String(Enumerable.Range(200, 32).Select(i => (byte)i).ToArray());

    public string Name { get; } = name;

    public string Ip { get; } = ip;

    public int GrpcPort { get; } = FreePort();

    public int ProbePort { get; } = FreePort();

    public string GrpcAddress => string.Create(CultureInfo.InvariantCulture, $"http://{Ip}:{GrpcPort}");

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(GrpcAddress);

    private GrpcChannel? _channel;

    /// <summary>The environment k8s/base/deployment.yaml gives a silo, with this pod's values (and any <paramref name="extra"/>).</summary>
    public HostProcess Start(PublishedHost published, string database, string cluster, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
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
            ["Logging__Console__FormatterName"] = "json",
            ["Postgres__MaxPoolSize"] = "16",
            ["ConnectionStrings__Buurtzorg"] = database,
            ["Security__Jwt__Keys__0__Id"] = TestKeys.FirstId,
            ["Security__Jwt__Keys__0__Secret"] = TestKeys.FirstSecret,
            ["Security__CallerSealKey"] = SealKey,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) environment[key] = value;
        return HostProcess.Start(Name, published.HostAssembly, environment);
    }

    /// <summary>A team app on this pod, its calls carrying tokens signed with the pods' key.</summary>
    public TeamApp App()
    {
        var issuer = new TokenIssuer(SigningKeys.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build()));
        return new TeamApp(Channel, caller => issuer.Mint(caller.Subject, caller.Role, caller.TeamId, TimeSpan.FromHours(1)));
    }

    /// <summary>What the kubelet would see on <paramref name="path"/>; null when nothing listens.</summary>
    public async Task<HttpStatusCode?> Probe(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{Ip}:{ProbePort}{path}")));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening (yet, or any more)
        }
    }

    public async Task<HealthCheckResponse.Types.ServingStatus> GrpcHealth(string service) =>
        (await new Health.HealthClient(Channel).CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5))).Status;

    /// <summary>Polls every 100 ms until the probe answers <paramref name="expected"/>; false at the timeout or if the process ends.</summary>
    public static Task<bool> Until(Func<Task<HttpStatusCode?>> probe, HttpStatusCode expected, TimeSpan timeout, HostProcess process) =>
        Eventually(async () => await probe() == expected, timeout, process);

    /// <summary>Polls every 100 ms until <paramref name="condition"/> holds; false at the timeout or if the process ends.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout, HostProcess process)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
