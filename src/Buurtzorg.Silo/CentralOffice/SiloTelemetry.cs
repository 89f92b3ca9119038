using System.Globalization;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Telemetry;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Buurtzorg.Silo.CentralOffice;

/// <summary>
/// Operators' metrics: Orleans' own meters and the domain's (<see cref="ApiMetrics"/>), as a Prometheus scrape endpoint
/// <c>/metrics</c> on the page's port (<c>Web:Port</c>), for a bearer token of the operator role only: the central
/// office reads its figures through <c>CentralOfficeService</c> and the page.
/// </summary>
public static class SiloTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The sources of the traces: each gRPC request, and the grain calls it makes (Orleans activity propagation).</summary>
    public static readonly string[] TraceSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiMetrics>();
        services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<MetricsInterceptor>());
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", ApiMetrics.MeterName)
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                // Request paths name only the RPC; no query strings or bodies are recorded.
                tracing.AddAspNetCoreInstrumentation(o => o.RecordException = false).AddSource(TraceSources);
                // Traces leave the process only when an OTLP collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) tracing.AddOtlpExporter();
            });
        return services;
    }

    public static WebApplication MapSiloTelemetry(this WebApplication app, int? webPort)
    {
        if (webPort is null) return app;
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireHost(string.Create(CultureInfo.InvariantCulture, $"*:{webPort}"))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(TokenIssuer.RoleClaim, "operator"));
        return app;
    }
}
