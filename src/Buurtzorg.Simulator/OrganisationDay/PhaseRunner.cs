using System.Diagnostics;
using System.Globalization;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// Runs a phase's work items with <c>--concurrency</c> callers taking them in order, and keeps the measurements per
/// phase kind (formation, morning, rounds, evening) with the wall time of every run of it.
/// </summary>
public sealed class PhaseRunner(DayOptions options, TextWriter progress)
{
    public sealed class Phase
    {
        public Measurements Measurements { get; } = new();
        public List<(int Day, TimeSpan Wall, int Items, long Calls)> Runs { get; } = [];
        public TimeSpan Wall => TimeSpan.FromTicks(Runs.Sum(r => r.Wall.Ticks));
    }

    public Dictionary<string, Phase> Phases { get; } = new(StringComparer.Ordinal);

    public async Task Run(string name, int day, IReadOnlyList<Func<Measurements, Task>> items)
    {
        if (!Phases.TryGetValue(name, out var phase)) Phases[name] = phase = new Phase();
        var next = -1;
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        var callsBefore = phase.Measurements.Calls;
        using var ticker = new CancellationTokenSource();
        var reporter = options.Progress ? Report(ticker.Token) : Task.CompletedTask;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Concurrency, Math.Max(1, items.Count))).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
            {
                await items[i](phase.Measurements);
                Interlocked.Increment(ref done);
            }
        })));
        var wall = Stopwatch.GetElapsedTime(started);
        await ticker.CancelAsync();
        await reporter;
        phase.Runs.Add((day, wall, items.Count, phase.Measurements.Calls - callsBefore));
        if (options.Progress) Line(true);

        async Task Report(CancellationToken stop)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Console.IsOutputRedirected ? 5 : 0.5));
            try
            {
                while (await timer.WaitForNextTickAsync(stop)) Line(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        void Line(bool final)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var calls = phase.Measurements.Calls - callsBefore;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{(day == 0 ? name : $"day {day} {name}")}: {Volatile.Read(ref done)}/{items.Count} items, {calls} calls, {calls / Math.Max(elapsed, 0.001):0}/s, {phase.Measurements.Errors} errors, {elapsed:0.0} s");
            if (Console.IsOutputRedirected || progress != Console.Error) progress.WriteLine(text);
            else progress.Write(final ? $"\r{text,-100}\n" : $"\r{text,-100}");
        }
    }
}
