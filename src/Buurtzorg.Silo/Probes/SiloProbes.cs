using System.Globalization;
using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Buurtzorg.Silo.Probes;

/// <summary>
/// Startup, readiness and liveness for Kubernetes: as HTTP/1.1 paths for the kubelet on the probe port
/// (<see cref="ProbeOptions.Port"/>), and as grpc.health.v1 services on the gRPC port, both from <see cref="SiloProbeState"/>.
/// </summary>
public static class SiloProbes
{
    public const string StartupPath = "/health/startup";
    public const string ReadinessPath = "/health/ready";
    public const string LivenessPath = "/health/live";

    /// <summary>
    /// grpc.health.v1 service names with the same answers. The empty name keeps answering for every check together,
    /// which comes to readiness: NOT_SERVING until the silo has joined, and again from the moment shutdown begins.
    /// </summary>
    public const string StartupService = "startup";
    public const string ReadinessService = "readiness";
    public const string LivenessService = "liveness";

    /// <summary>
    /// Adds <c>http://+:{Probes:Port}</c> to the URLs the host listens on (after <c>--urls</c>/<c>ASPNETCORE_URLS</c>),
    /// and returns that port, for the one endpoint that speaks HTTP/1.1 (every other one is gRPC's h2c).
    /// </summary>
    public static int? AddProbeEndpoint(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration.GetSection(ProbeOptions.Section).GetValue<int?>(nameof(ProbeOptions.Port));
        if (port is null) return null;

        var urls = (builder.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Any(url => BindingAddress.Parse(url).Port == port))
            throw new InvalidOperationException($"Probes:Port {port} is also a gRPC port ({string.Join(", ", urls)}): give the probes a port of their own.");
        builder.WebHost.UseUrls([.. urls, string.Create(CultureInfo.InvariantCulture, $"http://+:{port}")]);
        return port;
    }

    /// <summary>HTTP/1.1 on the probe port (the kubelet speaks nothing else), HTTP/2 without TLS everywhere else.</summary>
    public static HttpProtocols Protocols(ListenOptions listen, int? probePort) =>
        probePort is not null && listen.IPEndPoint?.Port == probePort ? HttpProtocols.Http1 : HttpProtocols.Http2;

    public static IServiceCollection AddSiloProbes(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ProbeOptions>(configuration.GetSection(ProbeOptions.Section));
        services.AddSingleton<SiloProbeState>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloProbeState>());
        services.AddHostedService<ShutdownDrain>();
        // The health check service logs every unhealthy answer as an error: a draining or starting silo would fill the
        // log with them. The probe answers carry the reason, and the kubelet records failed probes as events.
        services.AddLogging(logging => logging.AddFilter(typeof(HealthCheckService).Namespace + ".DefaultHealthCheckService", LogLevel.Critical));

        var checks = services.AddHealthChecks();
        foreach (var (probe, service) in Services)
        {
            checks.Add(new HealthCheckRegistration($"silo-{service}", sp => new ProbeHealthCheck(sp.GetRequiredService<SiloProbeState>(), probe),
                failureStatus: HealthStatus.Unhealthy, tags: [service]));
        }
        services.Configure<GrpcHealthChecksOptions>(options =>
        {
            foreach (var (_, service) in Services) options.Services.Map(service, check => check.Tags.Contains(service));
        });
        return services;
    }

    public static IEndpointRouteBuilder MapSiloProbes(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, service) in new[] { (StartupPath, StartupService), (ReadinessPath, ReadinessService), (LivenessPath, LivenessService) })
        {
            endpoints.MapHealthChecks(path, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(service),
                ResponseWriter = WriteReport,
            });
        }
        return endpoints;
    }

    private static readonly (Probe Probe, string Service)[] Services =
        [(Probe.Startup, StartupService), (Probe.Readiness, ReadinessService), (Probe.Liveness, LivenessService)];

    // "Healthy: The silo is active and serving." — enough for an operator with curl, and the status code for the kubelet.
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = string.Join(" ", report.Entries.Values.Select(entry => entry.Description));
        return context.Response.WriteAsync($"{report.Status}: {reasons}\n");
    }
}
