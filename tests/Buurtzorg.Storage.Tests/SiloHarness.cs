using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Buurtzorg.Storage.Tests;

/// <summary>A real silo on the real schema: ADO.NET clustering, grain storage and reminders, all through Npgsql.</summary>
internal sealed class SiloHarness : IAsyncDisposable
{
    public const string StorageName = "buurtzorg";

    /// <summary>A second grain-state provider that deletes the row on clear (DeleteStateOnClear).</summary>
    public const string DeletingStorageName = "buurtzorg-deleting";

    public const string Invariant = "Npgsql";

    private readonly IHost host;

    private SiloHarness(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<SiloHarness> StartAsync(string connectionString, string clusterId, string serviceId = "buurtzorg-tests")
    {
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                silo.ConfigureEndpoints(IPAddress.Loopback, FreeTcpPort(), FreeTcpPort());
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
                silo.AddAdoNetGrainStorage(StorageName, o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
                silo.AddAdoNetGrainStorage(DeletingStorageName, o => (o.Invariant, o.ConnectionString, o.DeleteStateOnClear) = (Invariant, connectionString, true));
                silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
            })
            .ConfigureServices(services => services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10)))
            .Build();
        await host.StartAsync();
        return new SiloHarness(host);
    }

    public Task StopAsync() => host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
            host.Dispose();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
