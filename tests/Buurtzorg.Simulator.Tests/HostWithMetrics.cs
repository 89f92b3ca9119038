using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Tests.Infrastructure;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// The embedded host with its web port open (<c>Web:Port</c>), so the simulator scrapes <c>/metrics</c> as it would a
/// deployed silo's: over HTTP, with an operator's token.
/// </summary>
public sealed class HostWithMetrics : IAsyncLifetime
{
    public ApiHost Api { get; private set; } = null!;

    public Uri Metrics { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        Api = await ApiHost.Start([.. TestKeys.Arguments, "--Web:Port", port.ToString(CultureInfo.InvariantCulture)]);
        Metrics = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/metrics"));
    }

    public Task DisposeAsync() => Api.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
