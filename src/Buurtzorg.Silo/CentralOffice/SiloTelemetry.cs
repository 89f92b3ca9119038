using System.Globalization;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Telemetry;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using OpenTelemetry.Metrics;

namespace Buurtzorg.Silo.CentralOffice;

/// <summary>
/// Operators' metrics: Orleans' own meters and the domain's (<see cref="ApiMetrics"/>), as a Prometheus scrape endpoint
/// <c>/metrics</c> on the page's port (<c>Web:Port</c>), for a bearer token of the operator or central-office role.
/// </summary>
public static class SiloTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<ApiMetrics>();
        services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<MetricsInterceptor>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", ApiMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapSiloTelemetry(this WebApplication app, int? webPort)
    {
        if (webPort is null) return app;
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireHost(string.Create(CultureInfo.InvariantCulture, $"*:{webPort}"))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(TokenIssuer.RoleClaim, "operator", "central_office"));
        return app;
    }
}
