using System.Net;
using Buurtzorg.Api;
using Buurtzorg.Api.Fhir.Rest;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Silo.CentralOffice;
using Buurtzorg.Silo.Database;
using Buurtzorg.Silo.Probes;
using Buurtzorg.Storage;
using Buurtzorg.Storage.Journal;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Buurtzorg.Silo;

/// <summary>
/// Builds the one process that is both an Orleans silo and the gRPC server. With no configuration it is embedded:
/// one silo on localhost, state in memory. With a PostgreSQL connection string (<c>ConnectionStrings:Buurtzorg</c>,
/// or <c>--postgres "…"</c>) it is durable: membership, grain state, reminders and the record journal in PostgreSQL,
/// the schema migrated at start.
/// </summary>
public static class SiloHost
{
    public const string DefaultUrl = "http://localhost:5000";
    public const string Invariant = "Npgsql";

    public static string? ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Buurtzorg") is { Length: > 0 } configured ? configured
        : configuration["postgres"] is { Length: > 0 } given ? given
        : null;

    public static bool IsDurable(IConfiguration configuration) => ConnectionString(configuration) is not null;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddConsoleLogs();
        // Every service starts at once, Kestrel among them: the probes answer (alive, not ready) while the silo waits
        // for its database (Database/DatabaseStartup.cs), instead of nothing listening until the silo has joined.
        // What must come first comes first inside the silo's own lifecycle.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        // gRPC over HTTP/2 without TLS (h2c): team apps and tools connect with prior knowledge. Kubernetes' probes get a
        // port of their own (Probes:Port) speaking HTTP/1.1.
        var probePort = builder.AddProbeEndpoint();
        // The central office's page gets an HTTP/1.1 port of its own too (Web:Port).
        var webPort = builder.AddCentralOfficeWeb();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            listen.Protocols = CentralOfficeWeb.Protocols(listen, webPort) ?? SiloProbes.Protocols(listen, probePort)));

        // On Kubernetes the downward API names the pod and its address (POD_NAME, POD_IP), and the deployment names the
        // service and cluster (ORLEANS_SERVICE_ID, ORLEANS_CLUSTER_ID); elsewhere the Orleans section says it.
        var orleans = builder.Configuration.GetSection("Orleans");
        var env = builder.Configuration;
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var gatewayPort = orleans.GetValue("GatewayPort", 30000);
        var clusterId = env["ORLEANS_CLUSTER_ID"] ?? orleans.GetValue("ClusterId", "buurtzorg-dev")!;
        var serviceId = env["ORLEANS_SERVICE_ID"] ?? orleans.GetValue("ServiceId", "buurtzorg")!;
        var podName = env["POD_NAME"];
        var podIp = env["POD_IP"];
        if (podName is not null && ConnectionString(builder.Configuration) is null)
            throw new InvalidOperationException(
                "This silo runs in a pod (POD_NAME is set) but has no database: set ConnectionStrings__Buurtzorg. " +
                "A pod in embedded mode would keep care records in memory only.");
        var connectionString = ConnectionString(builder.Configuration);
        // One care clock in the organisation's time zone, read by the grains and the gRPC layer alike.
        builder.Services.AddSingleton(CareClockSettings.From(builder.Configuration, durable: connectionString is not null));

        if (connectionString is not null)
        {
            // One pool for everything this silo does in PostgreSQL, Orleans' providers included: its size is the most
            // connections the silo holds (docs/OPERATIONS.md, "Connections").
            var postgres = builder.Configuration.GetSection(PostgresOptions.Section);
            builder.Services.Configure<PostgresOptions>(postgres);
            var maxPoolSize = PostgresPool.MaxPoolSize(connectionString, postgres.GetValue<int?>(nameof(PostgresOptions.MaxPoolSize)));
            builder.Services.AddSingleton(new PostgresTarget(PostgresPool.Describe(connectionString), maxPoolSize));
            builder.Services.AddSingleton(_ => PostgresPool.Create(connectionString, maxPoolSize));
            // Journal appends and audit lines from every grain of this silo share round trips and commits.
            builder.Services.AddSingleton<GroupCommit>();
            builder.Services.AddSingleton<IRecordJournal, PostgresRecordJournal>();
            builder.Services.AddSingleton<IAuditTrail, PostgresAuditTrail>();
            // The silo's first step: wait for the database and migrate it, before Orleans reads its queries there.
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DatabaseStartup>();
        }

        // Security first: the silo's grains check callers under the seal the gRPC layer uses.
        builder.Services.AddBuurtzorgApi(builder.Configuration);

        builder.UseOrleans(silo =>
        {
            if (connectionString is null)
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
                // The same binary format as in PostgreSQL (Orleans' default here is JSON, which reads back neither the
                // request log nor an immutable dictionary): state in memory round-trips as it would on disk.
                silo.AddMemoryGrainStorage(BuurtzorgStorage.Name, options => options.Configure<Serializer>((o, serializer) =>
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                // Failure detection (probe timeout, missed probes, votes...) from Orleans:Membership: appsettings.json sets a
                // 2 s probe timeout, measured by the chaos run (docs/OPERATIONS.md, "Failure detection"); unset fields keep
                // Orleans' defaults.
                silo.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership"));
                if (podName is not null) silo.Configure<SiloOptions>(o => o.SiloName = podName);
                // Advertise the pod's own address (never a Service's), and listen on every address of the pod.
                var advertised = IPAddress.Parse(podIp ?? orleans.GetValue("AdvertisedAddress", "127.0.0.1")!);
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyAddress", podIp is not null));
                silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, database) => (o.Invariant, o.DataSource) = (Invariant, database)));
                // Grains ask for BuurtzorgStorage.Name: the fault mapping, in front of Orleans' ADO.NET provider.
                silo.Services.AddFaultMapping(BuurtzorgStorage.Name);
                silo.AddAdoNetGrainStorage(FaultMappingGrainStorageRegistration.InnerName(BuurtzorgStorage.Name), options => options.Configure<Serializer, NpgsqlDataSource>((o, serializer, database) =>
                {
                    (o.Invariant, o.DataSource) = (Invariant, database);
                    // Orleans' own binary format: versioned by [Id], and the domain's records travel inside it as JSON.
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((o, database) => (o.Invariant, o.DataSource) = (Invariant, database)));
            }
            silo.AddBuurtzorgGrains();
            // Grain calls join the trace of the gRPC request that made them.
            silo.AddActivityPropagation();
            silo.AddCentralOfficeDashboard(webPort);
        });

        builder.Services.Configure<RecordReminderOptions>(builder.Configuration.GetSection(RecordReminderOptions.Section));
        builder.Services.AddGrpcHealthChecks().AddCheck<SiloHealthCheck>("silo");
        builder.Services.AddSiloProbes(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseStartupGate();
        app.MapBuurtzorgApi();
        app.MapSiloProbes();
        app.MapCentralOffice(webPort);
        // The record's FHIR face on the same HTTP/1.1 port: curl and integration engines speak HTTP/1.1, not gRPC's h2c.
        app.MapFhirRest(webPort);
        return app;
    }
}
