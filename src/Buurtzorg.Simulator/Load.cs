using System.Diagnostics;

namespace Buurtzorg.Simulator;

public static class Load
{
    /// <summary>Runs <paramref name="concurrency"/> callers, each repeating its step until the time is up; returns the wall time.</summary>
    public static async Task<TimeSpan> Run(int concurrency, TimeSpan duration, Func<int, long, Task> step)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
        {
            for (long i = 0; Stopwatch.GetTimestamp() < deadline; i++) await step(caller, i);
        })));
        return Stopwatch.GetElapsedTime(started);
    }
}
