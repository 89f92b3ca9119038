using System.Diagnostics;
using Buurtzorg.Simulator.Cluster;
using Grpc.Core;
using Grpc.Net.Client;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// Silo processes in slots, as a Deployment's replicas: a slot's silo can be SIGKILLed, SIGTERMed and replaced. A
/// replacement comes up on new ports (a new pod, a new address), so the dead silo is found by the cluster's failure
/// detection, never by a new generation at the same address. Calls go to the ready slots in turn, as a Service routes
/// to ready pods; a slot is not ready from the moment its silo is stopped until its replacement serves. Every line a
/// silo writes goes to a log file of its own in the run's directory.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly Slot[] _slots;
    private readonly string _siloAssembly;
    private readonly string _postgres;
    private readonly IReadOnlyList<string> _siloArguments;
    private readonly string _logDirectory;
    private readonly TimeSpan _patience;
    private readonly List<TextWriter> _logs = [];
    private readonly List<SiloProcess> _gone = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<(int Slot, int SiloPort)> _ports = [];
    private readonly List<int> _abandoned = [];
    private long _next = -1;
    private int _started;
    private int _failedStarts;

    public ChaosCluster(int silos, string siloAssembly, string postgres, IReadOnlyList<string> siloArguments, string logDirectory, TimeSpan patience)
    {
        (_siloAssembly, _postgres, _siloArguments, _logDirectory, _patience) = (siloAssembly, postgres, siloArguments, logDirectory, patience);
        _slots = [.. Enumerable.Range(0, silos).Select(i => new Slot(i))];
        ClusterId = $"chaos-{Guid.NewGuid():N}"[..16];
        Directory.CreateDirectory(logDirectory);
    }

    public string ClusterId { get; }

    public int Count => _slots.Length;

    public string LogDirectory => _logDirectory;

    /// <summary>Starts every slot's silo and waits until all serve.</summary>
    public Task Start() => Task.WhenAll(_slots.Select(Replace));

    /// <summary>A ready silo's call invoker, the next in turn; waits (up to the patience) while none is ready.</summary>
    public async Task<CallInvoker> Next(CancellationToken cancellation)
    {
        while (true)
        {
            var ready = _slots.Where(s => s.Invoker is not null).ToArray();
            if (ready.Length > 0)
            {
                var slot = ready[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)ready.Length)];
                if (slot.Invoker is { } invoker) return invoker;
            }
            await Task.Delay(50, cancellation);
        }
    }

    /// <summary>SIGKILLs the slot's silo; returns its silo port (its identity in the membership table).</summary>
    public async Task<int> Kill(int slot)
    {
        var silo = Unready(_slots[slot]);
        await silo.Kill();
        return silo.SiloPort;
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod in a rolling update; killed after the patience if still running.</summary>
    public async Task<int> Terminate(int slot)
    {
        var silo = Unready(_slots[slot]);
        await silo.Stop(TimeSpan.FromSeconds(45));
        return silo.SiloPort;
    }

    /// <summary>A new silo in the slot, on new ports; the slot is ready once it serves.</summary>
    public Task Restart(int slot) => Replace(_slots[slot]);

    public IEnumerable<int> Slots => Enumerable.Range(0, _slots.Length);

    /// <summary>The silo ports of every silo this run started, with the slot each ran in.</summary>
    public IReadOnlyList<(int Slot, int SiloPort)> Started
    {
        get
        {
            lock (_ports) return [.. _ports];
        }
    }

    /// <summary>The last lines of every current silo, for an error message.</summary>
    public string Diagnostics() => string.Join("\n", _slots.Select(s => s.Silo?.Output ?? ""));

    private static SiloProcess Unready(Slot slot)
    {
        var silo = slot.Silo ?? throw new InvalidOperationException($"Slot {slot.Index} has no silo.");
        slot.Invoker = null;
        return silo;
    }

    /// <summary>Replacements that did not serve within the patience (killed and started again, three times at most).</summary>
    public int FailedStarts => Volatile.Read(ref _failedStarts);

    /// <summary>The silo ports of those replacements: stopped by the run, not by the cluster.</summary>
    public IReadOnlyList<int> AbandonedSiloPorts
    {
        get
        {
            lock (_ports) return [.. _abandoned];
        }
    }

    private async Task Replace(Slot slot)
    {
        SiloProcess silo;
        for (var attempt = 1; ; attempt++)
        {
            // The old channel stays open until the end: calls still on it fail as the process died, not as we closed it.
            if (slot.Silo is { } old)
                lock (_gone) _gone.Add(old);
            var number = Interlocked.Increment(ref _started);
            var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(_logDirectory, $"silo-{slot.Index}-{number:000}.log")) { AutoFlush = true });
            lock (_logs) _logs.Add(log);
            silo = SiloProcess.Start($"slot-{slot.Index}-{number}", _siloAssembly, _postgres, ClusterId, _siloArguments, log);
            slot.Silo = silo;
            lock (_ports) _ports.Add((slot.Index, silo.SiloPort));
            var deadline = Stopwatch.GetTimestamp() + (long)(_patience.TotalSeconds * Stopwatch.Frequency);
            try
            {
                await SiloCluster.UntilServing(silo, deadline, _patience,
                    () => { if (silo.HasExited) throw new InvalidOperationException($"{silo.Name} exited as it started.\n{silo.Output}"); },
                    () => silo.Output);
                break;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException && attempt < 3)
            {
                Interlocked.Increment(ref _failedStarts);
                log.WriteLine($"chaos: {silo.Name} did not serve within {_patience.TotalSeconds:0} s; killed and replaced");
                await silo.Kill();
                lock (_ports) _abandoned.Add(silo.SiloPort);
            }
        }
        var channel = GrpcChannel.ForAddress(silo.Grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        lock (_channels) _channels.Add(channel);
        slot.Invoker = channel.CreateCallInvoker();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _slots) slot.Invoker = null;
        await Task.WhenAll(_slots.Select(s => s.Silo?.Stop(TimeSpan.FromSeconds(45)) ?? Task.CompletedTask));
        foreach (var slot in _slots) slot.Silo?.Dispose();
        lock (_channels)
            foreach (var channel in _channels) channel.Dispose();
        lock (_gone)
            foreach (var silo in _gone) silo.Dispose();
        lock (_logs)
            foreach (var log in _logs) log.Dispose();
    }

    private sealed class Slot(int index)
    {
        public int Index { get; } = index;

        public SiloProcess? Silo { get; set; }

        public CallInvoker? Invoker { get; set; }
    }
}
