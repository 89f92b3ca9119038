using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.Silo;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Buurtzorg.CentralOffice.Tests;

/// <summary>
/// The real host (embedded, or durable with a connection string) with the central office's page on a port of its own,
/// teams publishing quickly, and every grain call counted by interface.
/// </summary>
public sealed class OfficeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OfficeHost(WebApplication app, int grpcPort, int webPort, GrainCalls calls, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        Calls = calls;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        PageUrl = $"http://127.0.0.1:{webPort}/central-office";
        Office = new CentralOfficeService.CentralOfficeServiceClient(Channel.Intercept(new Bearer(Mint(OfficeCaller))));
    }

    public static readonly Caller OfficeCaller = new("office-1", Role.CentralOffice, null);

    public GrpcChannel Channel { get; }

    public string PageUrl { get; }

    public GrainCalls Calls { get; }

    /// <summary>Every line the host logged: a test that meets an INTERNAL answer shows the host's own account of it.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The central office's client, signed in as <see cref="OfficeCaller"/>.</summary>
    public CentralOfficeService.CentralOfficeServiceClient Office { get; }

    public static async Task<OfficeHost> Start(params string[] extra)
    {
        var (grpcPort, webPort) = (FreePort(), FreePort());
        var calls = new GrainCalls();
        var logs = new CapturedLogs();
        var app = SiloHost.Build(
        [
            "--urls", $"http://127.0.0.1:{grpcPort}",
            "--Web:Port", webPort.ToString(CultureInfo.InvariantCulture),
            "--Orleans:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:ClusterId", $"office-{Guid.NewGuid():N}",
            "--CentralOffice:PublishDelay", "00:00:00.050",
            "--CentralOffice:FlushDelay", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",
            .. TestKeys.Arguments,
            .. extra,
        ], builder =>
        {
            builder.Services.AddSingleton<Orleans.IIncomingGrainCallFilter>(calls);
            builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
        });
        await app.StartAsync();
        return new OfficeHost(app, grpcPort, webPort, calls, logs);
    }

    public string Mint(Caller caller) =>
        _app.Services.GetRequiredService<TokenIssuer>().Mint(caller.Subject, caller.Role, caller.TeamId, TimeSpan.FromHours(1));

    /// <summary>A team app on this host, each call made as whoever a team would make it as.</summary>
    public TeamApp App() => new(Channel, Mint);

    /// <summary>The clock the care rules read, for stories that need the night.</summary>
    public Buurtzorg.Grains.CareClock CareClock => _app.Services.GetRequiredService<Buurtzorg.Grains.CareClock>();

    /// <summary>Waits until the central office sees a team's figures satisfy <paramref name="condition"/>.</summary>
    public async Task<TeamFigures> Eventually(string teamId, Func<TeamFigures, bool> condition, string what)
    {
        TeamFigures? last = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            try
            {
                last = (await Office.GetTeamFiguresAsync(new GetTeamFiguresRequest { TeamId = teamId, Days = 1 })).Figures;
                if (condition(last)) return last;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // not published yet
            }
        }
        throw new Xunit.Sdk.XunitException($"The central office never saw {what}; last figures: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Bearer(string token) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithToken(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithToken(context));

        private ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class where TResponse : class =>
            new(context.Method, context.Host, context.Options.WithHeaders(new Metadata { { "authorization", $"Bearer {token}" } }));
    }
}

/// <summary>Every grain call the silo receives, counted by grain interface (registered as an incoming call filter).</summary>
public sealed class GrainCalls : Orleans.IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _byInterface = new(StringComparer.Ordinal);

    public int this[Type grainInterface] => _byInterface.GetValueOrDefault(grainInterface.Name);

    public int this[Type grainInterface, string method] => _byInterface.GetValueOrDefault($"{grainInterface.Name}.{method}");

    public void Reset() => _byInterface.Clear();

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_byInterface);

    public Task Invoke(Orleans.IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is { DeclaringType: { } type } method)
        {
            _byInterface.AddOrUpdate(type.Name, 1, (_, n) => n + 1);
            _byInterface.AddOrUpdate($"{type.Name}.{method.Name}", 1, (_, n) => n + 1);
        }
        return context.Invoke();
    }
}
