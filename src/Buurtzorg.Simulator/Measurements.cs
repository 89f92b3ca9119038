using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;

namespace Buurtzorg.Simulator;

/// <summary>Latency and outcome of every call, per operation, as HdrHistogram records them.</summary>
public sealed class Measurements
{
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);

    /// <summary>
    /// Times one call. <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) is when the call was due, for a
    /// paced load: its latency then counts from when it should have started, so a queue behind a slow call shows.
    /// </summary>
    public async Task<T?> Time<T>(string operation, Func<Task<T>> call, long? since = null) where T : class
    {
        var stats = _operations.GetOrAdd(operation, _ => new Operation());
        var started = since ?? Stopwatch.GetTimestamp();
        try
        {
            var result = await call();
            stats.Record(Stopwatch.GetElapsedTime(started), StatusCode.OK);
            return result;
        }
        catch (RpcException e)
        {
            stats.Record(Stopwatch.GetElapsedTime(started), e.StatusCode);
            return null;
        }
    }

    public IReadOnlyDictionary<string, Operation> Operations => _operations;

    public long Calls => _operations.Values.Sum(o => o.Count);

    public long Errors => _operations.Values.Sum(o => (long)o.Errors);

    public sealed class Operation
    {
        private readonly LongConcurrentHistogram _micros = new(1, 60_000_000, 3);
        private readonly ConcurrentDictionary<StatusCode, int> _outcomes = new();

        public void Record(TimeSpan elapsed, StatusCode outcome)
        {
            _micros.RecordValue(Math.Max(1, (long)elapsed.TotalMicroseconds));
            _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        }

        public long Count => _micros.TotalCount;

        public IReadOnlyDictionary<StatusCode, int> Outcomes => _outcomes;

        public int Errors => _outcomes.Where(o => o.Key != StatusCode.OK).Sum(o => o.Value);

        public double PercentileMs(double percentile) => _micros.GetValueAtPercentile(percentile) / 1000.0;

        public double MaxMs => _micros.GetMaxValue() / 1000.0;
    }
}
