using Microsoft.Extensions.Options;

namespace Buurtzorg.Silo.Probes;

/// <summary>
/// Holds the host's shutdown open for <see cref="ProbeOptions.DrainDelaySeconds"/> after readiness has turned false,
/// before Kestrel and the silo stop: Kubernetes removes a terminating pod from its Services while SIGTERM is already
/// on its way, and the proxies on every node learn of it a little later. Without the pause, calls still routed here
/// would meet a closed port. The pause counts against the host's shutdown timeout.
/// </summary>
public sealed partial class ShutdownDrain(IOptions<ProbeOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    // The host signals ApplicationStopping (readiness false) before it calls StoppingAsync on any service, and calls
    // every StoppingAsync before any StopAsync: so this delay sits between the two, whatever order services were added in.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(options.Value.DrainDelaySeconds);
        if (delay <= TimeSpan.Zero) return;
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out first: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: not ready any more, still serving for {Seconds} s while endpoints drain")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
