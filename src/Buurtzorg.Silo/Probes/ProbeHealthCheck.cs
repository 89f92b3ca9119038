using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Buurtzorg.Silo.Probes;

/// <summary>The three questions Kubernetes asks a silo.</summary>
public enum Probe
{
    Startup,
    Readiness,
    Liveness,
}

/// <summary>One probe's answer as a health check, so HTTP and grpc.health.v1 answer from the same state.</summary>
public sealed class ProbeHealthCheck(SiloProbeState state, Probe probe) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(probe switch
        {
            Probe.Startup => state.HasStarted
                ? HealthCheckResult.Healthy("The silo has joined its cluster.")
                : HealthCheckResult.Unhealthy($"The silo has not joined its cluster yet ({state.SiloStatus})."),
            Probe.Readiness => state.IsReady
                ? HealthCheckResult.Healthy("The silo is active and serving.")
                : HealthCheckResult.Unhealthy(state.IsStopping
                    ? "The silo is shutting down: it finishes what it is doing and takes no new work."
                    : $"The silo is not serving yet ({state.SiloStatus})."),
            Probe.Liveness => state.IsLive
                ? HealthCheckResult.Healthy("The process is running.")
                : HealthCheckResult.Unhealthy("The cluster has declared this silo dead."),
            _ => throw new InvalidOperationException($"No such probe: {probe}."),
        });
}
