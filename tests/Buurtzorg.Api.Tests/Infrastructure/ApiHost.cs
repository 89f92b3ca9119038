using System.Net;
using System.Net.Sockets;
using Buurtzorg.Silo;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Buurtzorg.Api.Tests.Infrastructure;

/// <summary>
/// The real host, as <c>dotnet run</c> starts it (embedded: one silo, in-memory), on free loopback ports, reached
/// through a real gRPC channel. One per test class or collection.
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    private WebApplication? _app;

    public string Address { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = SiloHost.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:ClusterId", $"test-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Channel = GrpcChannel.ForAddress(Address);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
