using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Security;
using Buurtzorg.Grains.Security;
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
public sealed class ApiHost : IAsyncLifetime, IAsyncDisposable
{
    private WebApplication? _app;

    public string Address { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    private readonly string[] _arguments;
    private readonly Action<WebApplicationBuilder>? _configure;

    public ApiHost()
        : this(TestKeys.Arguments, null)
    {
    }

    private ApiHost(string[] arguments, Action<WebApplicationBuilder>? configure) => (_arguments, _configure) = (arguments, configure);

    /// <summary>A host with other settings (signing keys, log levels); dispose it after.</summary>
    public static async Task<ApiHost> Start(string[] arguments, Action<WebApplicationBuilder>? configure = null)
    {
        var host = new ApiHost(arguments, configure);
        await host.InitializeAsync();
        return host;
    }

    public async Task InitializeAsync()
    {
        _app = SiloHost.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:ClusterId", $"test-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default", "Warning",
            .. _arguments,
        ], _configure);
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Channel = GrpcChannel.ForAddress(Address);
    }

    /// <summary>Mints a token for a caller, as the identity provider would, signed with the host's first key.</summary>
    public string Mint(Caller caller) =>
        Services.GetRequiredService<TokenIssuer>().Mint(caller.Subject, caller.Role, caller.TeamId, TimeSpan.FromHours(1));

    /// <summary>A team app on this host, each call made as whoever a team would make it as.</summary>
    public TeamApp App() => new(Channel, Mint);

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
