using Buurtzorg.Api;
using Buurtzorg.Grains;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Buurtzorg.Silo;

/// <summary>
/// Builds the one process that is both an Orleans silo and the gRPC server. With no configuration it is embedded:
/// one silo on localhost, state in memory.
/// </summary>
public static class SiloHost
{
    public const string DefaultUrl = "http://localhost:5000";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        // gRPC over HTTP/2 without TLS (h2c): team apps and tools connect with prior knowledge.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));

        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(orleans.GetValue("SiloPort", 11111), orleans.GetValue("GatewayPort", 30000),
                serviceId: orleans.GetValue("ServiceId", "buurtzorg")!, clusterId: orleans.GetValue("ClusterId", "buurtzorg-dev")!);
            silo.AddMemoryGrainStorage(BuurtzorgStorage.Name);
            silo.UseInMemoryReminderService();
            silo.AddBuurtzorgGrains();
        });

        builder.Services.AddBuurtzorgApi();
        builder.Services.AddGrpcHealthChecks().AddCheck<SiloHealthCheck>("silo");
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapBuurtzorgApi();
        return app;
    }
}
