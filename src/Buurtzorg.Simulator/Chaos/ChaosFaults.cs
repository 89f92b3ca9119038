namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// A fault the run made: when it began and when what it broke was back (the replacement silos serving, PostgreSQL
/// accepting connections), in seconds after the run's start, and the silo ports it stopped.
/// </summary>
public sealed record ChaosFault(string Kind, double At, double Recovered, IReadOnlyList<int> StoppedSiloPorts)
{
    public const string SiloKill = "silo SIGKILL";
    public const string PostgresCrash = "PostgreSQL immediate stop";
    public const string AllSilosKill = "all silos SIGKILL";
    public const string RollingRestart = "rolling SIGTERM";
}

/// <summary>
/// The fault schedule: a random ready silo SIGKILLed after every pause drawn from <c>--kill-every</c> and replaced in
/// the background, as a Deployment replaces a pod (never the last ready one: a kill waits until another silo is back),
/// and the larger faults (PostgreSQL crashes, all silos killed at once, rolling restarts) spread evenly over the run,
/// interleaved, each once the replacements under way serve, in place of the single kill due at that moment.
/// </summary>
public sealed class ChaosFaults(ChaosCluster cluster, ChaosDatabase database, ChaosLedger ledger, ChaosOptions options, TextWriter progress)
{
    private readonly List<ChaosFault> _faults = [];
    private readonly Dictionary<int, Task> _replacing = [];

    public IReadOnlyList<ChaosFault> Faults
    {
        get
        {
            lock (_faults) return [.. _faults];
        }
    }

    public async Task Run(CancellationToken cancellation)
    {
        var random = new Random(options.Seed);
        var end = options.Duration.TotalSeconds;
        var plan = Plan(end);
        // Every large fault asked for is made, after the end if the recoveries took that long; single kills stop at the end.
        while ((ledger.Now < end || plan.Count > 0) && !cancellation.IsCancellationRequested)
        {
            var pause = options.KillEvery.Max > 0 && ledger.Now < end
                ? options.KillEvery.Min + random.NextDouble() * (options.KillEvery.Max - options.KillEvery.Min)
                : double.PositiveInfinity;
            var (due, large) = plan.Count > 0 ? plan.Peek() : (double.PositiveInfinity, "");
            var next = Math.Min(ledger.Now + pause, Math.Min(due, plan.Count > 0 ? double.PositiveInfinity : end));
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, next - ledger.Now)), cancellation);
            if (ledger.Now >= due)
            {
                plan.Dequeue();
                await Replaced();
                await Large(large);
            }
            else if (ledger.Now < end)
            {
                await KillOne(random);
            }
        }
        await Replaced();
    }

    /// <summary>Waits for the replacements under way; a replacement that failed to start fails the run.</summary>
    private async Task Replaced()
    {
        await Task.WhenAll(_replacing.Values);
        _replacing.Clear();
    }

    /// <summary>The large faults, kinds interleaved, at even intervals between a tenth and nine tenths of the run.</summary>
    private Queue<(double At, string Kind)> Plan(double end)
    {
        var kinds = new List<string>();
        var counts = new Dictionary<string, int>
        {
            [ChaosFault.PostgresCrash] = database.CanCrash ? options.PgCrashes : 0,
            [ChaosFault.AllSilosKill] = options.AllKills,
            [ChaosFault.RollingRestart] = options.Rolling,
        };
        while (counts.Values.Any(n => n > 0))
            foreach (var kind in counts.Keys.ToList().Where(k => counts[k] > 0))
            {
                kinds.Add(kind);
                counts[kind]--;
            }
        return new Queue<(double, string)>(kinds.Select((kind, i) => (end * (0.1 + 0.8 * (i + 0.5) / kinds.Count), kind)));
    }

    private async Task KillOne(Random random)
    {
        foreach (var done in _replacing.Where(r => r.Value.IsCompleted).ToList())
        {
            await done.Value;
            _replacing.Remove(done.Key);
        }
        if (cluster.Count - _replacing.Count < 2) await Task.WhenAny(_replacing.Values);
        var ready = cluster.Slots.Where(s => !_replacing.ContainsKey(s) || _replacing[s].IsCompleted).ToList();
        if (ready.Count < 2) return;
        var slot = ready[random.Next(ready.Count)];
        if (_replacing.Remove(slot, out var finished)) await finished;
        var at = ledger.Now;
        var port = await cluster.Kill(slot);
        await progress.WriteLineAsync(FormattableString.Invariant($"{at,7:0.0} s  {ChaosFault.SiloKill} slot {slot} (silo port {port})"));
        _replacing[slot] = Replace(slot, at, port);
    }

    private async Task Replace(int slot, double at, int port)
    {
        await cluster.Restart(slot);
        Add(new ChaosFault(ChaosFault.SiloKill, at, ledger.Now, [port]));
    }

    private async Task Large(string kind)
    {
        var at = ledger.Now;
        await progress.WriteLineAsync(FormattableString.Invariant($"{at,7:0.0} s  {kind}"));
        List<int> stopped = [];
        switch (kind)
        {
            case ChaosFault.PostgresCrash:
                await database.Crash();
                await Task.Delay(options.PgDown);
                await database.Start();
                break;
            case ChaosFault.AllSilosKill:
                stopped.AddRange(await Task.WhenAll(cluster.Slots.Select(cluster.Kill)));
                await Task.WhenAll(cluster.Slots.Select(cluster.Restart));
                break;
            case ChaosFault.RollingRestart:
                foreach (var slot in cluster.Slots)
                {
                    stopped.Add(await cluster.Terminate(slot));
                    await cluster.Restart(slot);
                }
                break;
        }
        var recovered = ledger.Now;
        Add(new ChaosFault(kind, at, recovered, stopped));
        // The next fault waits for a write to succeed (a minute at most), so each recovery is measured on its own.
        for (var waited = 0; ledger.LastSuccess < recovered && waited < 600; waited++) await Task.Delay(100);
        await progress.WriteLineAsync(FormattableString.Invariant($"{recovered,7:0.0} s  recovered from {kind}; writes succeed again at {ledger.LastSuccess:0.0} s"));
    }

    private void Add(ChaosFault fault)
    {
        lock (_faults) _faults.Add(fault);
    }
}
