using Buurtzorg.Api.Fhir;
using Buurtzorg.Api.Security;
using Buurtzorg.Grains.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Buurtzorg.Api;

public static class ApiRegistration
{
    /// <summary>The largest request we accept: the biggest legitimate one (a long note) is a few kilobytes.</summary>
    public const int MaxRequestBytes = 256 * 1024;

    /// <summary>The transport's hard cap: larger messages are not even read (RESOURCE_EXHAUSTED).</summary>
    public const int TransportLimitBytes = 4 * MaxRequestBytes;

    /// <summary>
    /// The gRPC services and their security: every call carries a bearer token checked against the configured key set,
    /// issuer and audience; the access rules run here and again in the grains, which trust the caller only under the
    /// silos' seal.
    /// </summary>
    public static IServiceCollection AddBuurtzorgApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBuurtzorgCallChecks(configuration);
        services.AddGrpcReflection();
        services.AddSingleton<FhirRecordReader>();
        return services;
    }

    /// <summary>
    /// What every call passes before a service runs — the bearer token, the request's size, the access rules, and the
    /// one mapping of failures to statuses — for any host that serves the protos (the silo; the conventional baseline
    /// it is measured against checks callers exactly the same way).
    /// </summary>
    public static IServiceCollection AddBuurtzorgCallChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = SigningKeys.From(configuration);
        services.AddSingleton(keys);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton(new CallerSeal(keys.SealKey(configuration)));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = keys.Issuer,
                ValidAudience = keys.Audience,
                IssuerSigningKeys = keys.Keys,
                ValidateIssuerSigningKey = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = TokenIssuer.RoleClaim,
            };
            options.Events = new JwtBearerEvents { OnAuthenticationFailed = TokenFailures.Log };
        });
        // A bad token is the caller's fault, not ours: one line of our own (above), not JwtBearer's exception and stack.
        services.AddLogging(logging => logging.AddFilter(TokenFailures.JwtBearerCategory, LogLevel.Warning));
        services.AddAuthorization();
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorInterceptor>();
            options.Interceptors.Add<AccessInterceptor>();
            options.MaxReceiveMessageSize = TransportLimitBytes;
            options.EnableDetailedErrors = false;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapBuurtzorgApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TeamApi>().RequireAuthorization();
        endpoints.MapGrpcService<NurseApi>().RequireAuthorization();
        endpoints.MapGrpcService<ReferralApi>().RequireAuthorization();
        endpoints.MapGrpcService<CareRecordApi>().RequireAuthorization();
        endpoints.MapGrpcService<CentralOfficeApi>().RequireAuthorization();
        endpoints.MapGrpcService<PlanningApi>().RequireAuthorization();
        endpoints.MapGrpcService<OnCallApi>().RequireAuthorization();
        endpoints.MapGrpcService<SyncApi>().RequireAuthorization();
        // Health and reflection stay open: probes and tools carry no token.
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
