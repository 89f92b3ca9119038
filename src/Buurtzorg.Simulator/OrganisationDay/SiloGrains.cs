using System.Globalization;
using System.Net.Http.Headers;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// Active grains by type, as the silo's own Prometheus endpoint reports them: Orleans' <c>orleans_grains</c> gauge, one
/// series per grain type. Scraped every two seconds while the run lasts, with an operator's token, keeping each type's
/// peak. The gauge carries grain type names only, never a grain's id.
/// </summary>
public sealed class SiloGrains : IAsyncDisposable
{
    public const string Metric = "orleans_grains";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Uri _metrics;
    private readonly BenchmarkTokens _tokens;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, long> _peaks = new(StringComparer.Ordinal);
    private Task? _sampling;

    public SiloGrains(Uri metrics, BenchmarkTokens tokens) => (_metrics, _tokens) = (metrics, tokens);

    public int Scrapes { get; private set; }

    public int FailedScrapes { get; private set; }

    public string? LastFailure { get; private set; }

    /// <summary>Scrapes once, failing the run before it begins if the endpoint or the token is wrong, then every two seconds.</summary>
    public async Task Start()
    {
        await Scrape(CancellationToken.None);
        _sampling = Sample();
    }

    /// <summary>Stops sampling and scrapes a last time; the peak per grain type, highest first.</summary>
    public async Task<IReadOnlyList<GrainTypeFigures>> Stop()
    {
        await StopSampling();
        await TryScrape(CancellationToken.None);
        return [.. _peaks.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new GrainTypeFigures(p.Key, p.Value))];
    }

    private async Task Sample()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await TryScrape(_stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TryScrape(CancellationToken cancellation)
    {
        try
        {
            await Scrape(cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            // A missed scrape lowers the chance of seeing the peak; the report says how many were missed.
            FailedScrapes++;
            LastFailure = e.Message;
        }
    }

    private async Task Scrape(CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _metrics);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Mint("simulator-metrics", Role.Operator, null, TimeSpan.FromMinutes(5)));
        using var response = await _http.SendAsync(request, cancellation);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(cancellation);
        Scrapes++;
        foreach (var (type, count) in Read(text))
            if (count > _peaks.GetValueOrDefault(type)) _peaks[type] = count;
    }

    /// <summary>
    /// The grains by type in one scrape, from Prometheus' text format: the <see cref="Metric"/> series, summed per
    /// <c>grain_type</c> label (one series a type on a single silo).
    /// </summary>
    public static IReadOnlyDictionary<string, long> Read(string exposition)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (labels, count) in PrometheusText.Samples(exposition, Metric))
            if (labels.TryGetValue("grain_type", out var type)) counts[type] = counts.GetValueOrDefault(type) + (long)count;
        return counts;
    }

    private async Task StopSampling()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        if (_sampling is not null) await _sampling;
    }

    public async ValueTask DisposeAsync()
    {
        await StopSampling();
        _stop.Dispose();
        _http.Dispose();
    }
}

/// <summary>The most activations of one grain type seen at once during the run.</summary>
public sealed record GrainTypeFigures(string GrainType, long PeakActivations);
