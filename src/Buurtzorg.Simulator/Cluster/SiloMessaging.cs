using System.Globalization;
using System.Net.Http.Headers;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Simulator.Cluster;

/// <summary>
/// The messages the silos sent each other, read from Orleans' own meter on every silo's Prometheus endpoint: the
/// histogram of sent message sizes (<c>orleans-messaging-sent-messages-size</c>, bytes, header included), its series
/// labelled <c>ConnectionDirection="SiloToSilo"</c> — not the gateway's, which carries no calls here (the gRPC
/// services call grains from inside the silo). Every byte one silo sends another is counted once, by the sender.
/// </summary>
public sealed class SiloMessaging(IReadOnlyList<Uri> endpoints, BenchmarkTokens tokens) : IDisposable
{
    public const string Histogram = "orleans_messaging_sent_messages_size_bytes";
    public const string SiloToSilo = "SiloToSilo";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The totals since each silo started, summed over the silos.</summary>
    public async Task<MessagingTotals> Read()
    {
        var scrapes = await Task.WhenAll(endpoints.Select(Scrape));
        return scrapes.Select(Totals).Aggregate(MessagingTotals.Zero, (a, b) => a + b);
    }

    private async Task<string> Scrape(Uri endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint("simulator-metrics", Role.Operator, null, TimeSpan.FromMinutes(5)));
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The silo-to-silo totals in one silo's scrape.</summary>
    public static MessagingTotals Totals(string exposition)
    {
        static bool Between(IReadOnlyDictionary<string, string> labels) =>
            labels.TryGetValue("ConnectionDirection", out var direction) && direction == SiloToSilo;
        var bytes = PrometheusText.Samples(exposition, Histogram + "_sum").Where(s => Between(s.Labels)).Sum(s => s.Value);
        var counts = PrometheusText.Samples(exposition, Histogram + "_count").Where(s => Between(s.Labels)).ToList();
        var buckets = new SortedDictionary<double, double>();
        foreach (var (labels, value) in PrometheusText.Samples(exposition, Histogram + "_bucket").Where(s => Between(s.Labels)))
        {
            var bound = labels.TryGetValue("le", out var le) && le != "+Inf" ? double.Parse(le, CultureInfo.InvariantCulture) : double.PositiveInfinity;
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }
        return new MessagingTotals(
            (long)bytes,
            (long)counts.Sum(s => s.Value),
            (long)counts.Where(s => s.Labels.GetValueOrDefault("MessageDirection") == "Request").Sum(s => s.Value),
            buckets.ToDictionary(b => b.Key, b => (long)b.Value));
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// Silo-to-silo messages: bytes, messages, of which requests (a call crossing to the silo of its grain; its answer is
/// a response), and the cumulative count of messages at or under each bucket's upper bound in bytes.
/// </summary>
public sealed record MessagingTotals(long Bytes, long Messages, long Requests, IReadOnlyDictionary<double, long> AtMost)
{
    public static readonly MessagingTotals Zero = new(0, 0, 0, new Dictionary<double, long>());

    public static MessagingTotals operator +(MessagingTotals a, MessagingTotals b) => new(a.Bytes + b.Bytes, a.Messages + b.Messages, a.Requests + b.Requests,
        a.AtMost.Keys.Union(b.AtMost.Keys).ToDictionary(k => k, k => a.AtMost.GetValueOrDefault(k) + b.AtMost.GetValueOrDefault(k)));

    public static MessagingTotals operator -(MessagingTotals a, MessagingTotals b) => new(a.Bytes - b.Bytes, a.Messages - b.Messages, a.Requests - b.Requests,
        a.AtMost.Keys.Union(b.AtMost.Keys).ToDictionary(k => k, k => a.AtMost.GetValueOrDefault(k) - b.AtMost.GetValueOrDefault(k)));

    /// <summary>The smallest bucket bound that holds every message counted: an upper bound on the largest one.</summary>
    public double LargestAtMost => AtMost.Where(b => b.Value >= Messages).Select(b => b.Key).DefaultIfEmpty(double.PositiveInfinity).Min();

    /// <summary>Messages larger than <paramref name="bytes"/> (a bucket bound).</summary>
    public long Over(double bytes) => Messages - AtMost.GetValueOrDefault(bytes, Messages);
}
