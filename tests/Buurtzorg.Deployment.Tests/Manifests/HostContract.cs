using System.Globalization;
using System.Net;
using Buurtzorg.Api.Security;
using Buurtzorg.Silo;
using Buurtzorg.Silo.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Buurtzorg.Deployment.Tests.Manifests;

/// <summary>
/// What the host would do with a given environment — the ports it listens on, the paths it serves, how long it takes
/// to shut down, how it names and advertises its silo — read from the host itself: <see cref="SiloHost.Build"/> with
/// that environment, built and never started. So the manifests are held to the host's real behaviour, not to a second
/// copy of its defaults.
/// </summary>
public sealed record HostContract(
    IReadOnlyList<string> Urls,
    int? ProbePort,
    int SiloPort,
    int GatewayPort,
    bool SiloListensOnAllAddresses,
    string? AdvertisedAddress,
    string? SiloName,
    string ServiceId,
    string ClusterId,
    IReadOnlySet<string> Paths,
    TimeSpan ShutdownTimeout,
    bool IsDurable,
    bool UsesDevelopmentKeys,
    int? MaxPoolSize)
{
    /// <summary>The gRPC ports: every URL but the probe port's.</summary>
    public IReadOnlyList<int> GrpcPorts => [.. Urls.Select(u => BindingAddress.Parse(u).Port).Where(p => p != ProbePort).Distinct()];

    /// <summary>Reachable from outside the pod: every URL binds all addresses (+, *, 0.0.0.0 or [::]).</summary>
    public bool ServesOnAllAddresses => Urls.All(u => BindingAddress.Parse(u).Host is "+" or "*" or "0.0.0.0" or "[::]");

    public IReadOnlySet<int> Ports => new HashSet<int>([.. GrpcPorts, .. ProbePort is { } probe ? [probe] : Array.Empty<int>(), SiloPort, GatewayPort]);

    /// <summary>
    /// Builds the host with these environment variables, as the process would read them: <c>__</c> for <c>:</c>, and the
    /// <c>ASPNETCORE_</c>/<c>DOTNET_</c> prefixes stripped for host settings (<c>ASPNETCORE_URLS</c> is <c>urls</c>).
    /// </summary>
    public static async Task<HostContract> ReadAsync(IEnumerable<KeyValuePair<string, string>> environment)
    {
        var app = SiloHost.Build([.. environment.SelectMany(Arguments)]);
        try
        {
            var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            var cluster = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            var paths = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
                .ToHashSet(StringComparer.Ordinal);
            return new HostContract(
                Urls: (app.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ProbePort: app.Configuration.GetValue<int?>("Probes:Port"),
                SiloPort: endpoints.SiloPort,
                GatewayPort: endpoints.GatewayPort,
                SiloListensOnAllAddresses: endpoints.SiloListeningEndpoint?.Address.Equals(IPAddress.Any) == true
                    && endpoints.GatewayListeningEndpoint?.Address.Equals(IPAddress.Any) == true,
                AdvertisedAddress: endpoints.AdvertisedIPAddress?.ToString(),
                SiloName: app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName,
                ServiceId: cluster.ServiceId,
                ClusterId: cluster.ClusterId,
                Paths: paths,
                ShutdownTimeout: app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout,
                IsDurable: SiloHost.IsDurable(app.Configuration),
                UsesDevelopmentKeys: app.Services.GetRequiredService<SigningKeys>().IsDevelopment,
                MaxPoolSize: app.Services.GetService<PostgresTarget>()?.MaxPoolSize);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static IEnumerable<string> Arguments(KeyValuePair<string, string> variable)
    {
        var key = variable.Key.Replace("__", ":", StringComparison.Ordinal);
        yield return $"--{key}={variable.Value}";
        foreach (var prefix in new[] { "ASPNETCORE_", "DOTNET_" })
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) yield return $"--{key[prefix.Length..]}={variable.Value}";
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"urls {string.Join(";", Urls)}, probes on {ProbePort}, silo {SiloPort}, gateway {GatewayPort}, paths {string.Join(" ", Paths.Order())}, shutdown {ShutdownTimeout.TotalSeconds} s, pool {MaxPoolSize}");
}
