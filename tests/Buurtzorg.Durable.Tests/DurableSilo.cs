using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Silo;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Buurtzorg.Durable.Tests;

/// <summary>One real silo host in durable mode (as <c>dotnet run -- --postgres …</c> starts it), on free ports.</summary>
public sealed class DurableSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DurableSilo(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A team app on this silo, each call made as whoever a team would make it as.</summary>
    public TeamApp App() => new(Channel, caller =>
        Services.GetRequiredService<TokenIssuer>().Mint(caller.Subject, caller.Role, caller.TeamId, TimeSpan.FromHours(1)));

    public static Task<DurableSilo> Start(string connectionString, string clusterId, params string[] extra) =>
        Start(connectionString, clusterId, configure: null, extra);

    /// <summary>A silo whose services a test adds to (a fault seam, say) before it starts.</summary>
    public static async Task<DurableSilo> Start(string connectionString, string clusterId, Action<WebApplicationBuilder>? configure, params string[] extra)
    {
        var app = SiloHost.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--postgres", connectionString,
            "--Orleans:SiloPort", FreePort(),
            "--Orleans:GatewayPort", FreePort(),
            "--Orleans:ClusterId", clusterId,
            "--Logging:LogLevel:Default", "Warning",
            .. TestKeys.Arguments,
            .. extra,
        ], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DurableSilo(app, address);
    }

    public async Task Stop()
    {
        Channel.Dispose();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        try
        {
            await _app.StopAsync();
        }
        catch (ObjectDisposedException)
        {
            // already stopped by the test
        }
        await _app.DisposeAsync();
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
