using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>How a write ended for its caller, after every retry with its request id.</summary>
public enum WriteOutcome
{
    /// <summary>Answered OK: the write must be in the record exactly once.</summary>
    Acknowledged,

    /// <summary>Answered with a refusal (a rule, a bad request): the write must have changed nothing.</summary>
    Refused,

    /// <summary>Still unanswered when the caller gave up: it may or may not be in the record.</summary>
    Unresolved,
}

/// <summary>One write a caller made: which record entry its request id stands for, and how it ended.</summary>
public sealed record ChaosWrite(string Operation, string RequestId, string ClientId, string EntryId, WriteOutcome Outcome, string FinalStatus);

/// <summary>
/// What the callers saw: every answer by operation and status (a status sent by a silo, or made by the client library
/// when the connection failed — "transport"), every write and its outcome, and the moment of every successful write.
/// </summary>
public sealed class ChaosLedger
{
    private readonly ConcurrentDictionary<(string Operation, string Status), long> _answers = new();
    private readonly ConcurrentQueue<ChaosWrite> _writes = new();
    private readonly ConcurrentQueue<long> _successes = new();

    public ChaosLedger() => Begin();

    /// <summary>The run's zero on the stopwatch; every moment recorded is seconds after it.</summary>
    public long Started { get; private set; }

    /// <summary>Starts the run's clock: the faults are timed from here (the teams' formation comes before).</summary>
    public void Begin() => Started = Stopwatch.GetTimestamp();

    public double Now => Stopwatch.GetElapsedTime(Started).TotalSeconds;

    public void Answer(string operation, string status) => _answers.AddOrUpdate((operation, status), 1, (_, n) => n + 1);

    private long _lastSuccess;

    /// <summary>A successful write, at this moment.</summary>
    public void Success()
    {
        var now = Stopwatch.GetTimestamp();
        _successes.Enqueue(now);
        Interlocked.Exchange(ref _lastSuccess, now);
    }

    /// <summary>Seconds after the start of the latest successful write.</summary>
    public double LastSuccess => (Interlocked.Read(ref _lastSuccess) - Started) / (double)Stopwatch.Frequency;

    public void Write(ChaosWrite write) => _writes.Enqueue(write);

    private readonly ConcurrentQueue<string> _retriedThenRefused = new();

    /// <summary>
    /// A write that was sent again and then refused, or never answered: its answers in order, each with the second it
    /// came. A refusal is right when the first attempt changed nothing, wrong when it was applied; the list lets a
    /// reader line each up with the faults of the run.
    /// </summary>
    public void RetriedThenRefused(string operation, IEnumerable<(double At, string Status)> answers) =>
        _retriedThenRefused.Enqueue($"{operation}: {string.Join(" → ", answers.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Status} at {a.At:0.0} s")))}");

    public IReadOnlyList<string> RetriedThenRefusedWrites => [.. _retriedThenRefused];

    public IReadOnlyDictionary<(string Operation, string Status), long> Answers => _answers;

    public IReadOnlyList<ChaosWrite> Writes => [.. _writes];

    /// <summary>Seconds after the start of each successful write, in order.</summary>
    public IReadOnlyList<double> Successes =>
        [.. _successes.Select(t => (t - Started) / (double)Stopwatch.Frequency).Order()];

    /// <summary>The name an answer is counted under: the status code, marked when the client library made it.</summary>
    public static string StatusOf(RpcException e) =>
        e.Status.DebugException is null ? e.StatusCode.ToString() : $"{e.StatusCode} (transport)";
}
