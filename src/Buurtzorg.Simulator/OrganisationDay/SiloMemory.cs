using System.Globalization;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// The resident memory of a silo on this machine, from /proc: sampled while the run lasts, and the kernel's own
/// high-water mark (VmHWM, since the process started). Counts only; nothing about patients.
/// </summary>
public sealed class SiloMemory(int pid) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;

    public long PeakSampledBytes { get; private set; }

    public void Start() => _sampling = Sample();

    private async Task Sample()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do PeakSampledBytes = Math.Max(PeakSampledBytes, Read("VmRSS") ?? 0);
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public long? HighWaterMarkBytes => Read("VmHWM");

    private long? Read(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : BytesOf(line);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The bytes in a /proc status line such as <c>VmRSS:\t  123456 kB</c>; from 10 GB up the kernel leaves no space
    /// between the tab and the number (<c>VmHWM:\t12323828 kB</c>).
    /// </summary>
    public static long BytesOf(string statusLine) =>
        long.Parse(statusLine.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null) await _sampling;
        _stop.Dispose();
    }
}
