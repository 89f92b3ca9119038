using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Buurtzorg.Silo;

/// <summary>Healthy while this silo is an active member of its cluster. Local: no grain call, no database.</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(oracle.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {oracle.CurrentStatus}."));
}
