using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Buurtzorg.Api;

public static class ApiRegistration
{
    /// <summary>The largest request we accept: the biggest legitimate one (a long note) is a few kilobytes.</summary>
    public const int MaxRequestBytes = 256 * 1024;

    public static IServiceCollection AddBuurtzorgApi(this IServiceCollection services)
    {
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorInterceptor>();
            options.MaxReceiveMessageSize = MaxRequestBytes;
            options.EnableDetailedErrors = false;
        });
        services.AddGrpcReflection();
        return services;
    }

    public static IEndpointRouteBuilder MapBuurtzorgApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TeamApi>();
        endpoints.MapGrpcService<NurseApi>();
        endpoints.MapGrpcService<ReferralApi>();
        endpoints.MapGrpcService<CareRecordApi>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
