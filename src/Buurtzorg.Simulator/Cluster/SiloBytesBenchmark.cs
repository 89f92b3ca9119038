using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Buurtzorg.Simulator.RecordOpen;
using Buurtzorg.Storage.Journal;
using Grpc.Core;
using Npgsql;

namespace Buurtzorg.Simulator.Cluster;

/// <summary>
/// Bytes sent between silos per <c>GetRecord</c> and per <c>RecordVisit</c>, for records of different lengths: for
/// each length one client's record is written through the silos (<c>record-open</c>'s fill), then a phase of only
/// GetRecord calls and a phase of only RecordVisit calls, spread over the silos; the silos' silo-to-silo totals are
/// read before and after each phase, and what they sent while idle (membership probes) for as long is taken off.
/// </summary>
public sealed class SiloBytesBenchmark(CallInvoker channel, BenchmarkTokens tokens, SiloMessaging messaging, SiloBytesOptions options, TextWriter progress)
{
    public const double TargetBytes = 8 * 1024;

    private readonly CareRecordService.CareRecordServiceClient _records = new(channel);

    public async Task<SiloBytesReport> Run()
    {
        await using var database = NpgsqlDataSource.Create(options.Postgres);
        var rows = new List<SiloBytesRow>();
        foreach (var entries in options.Entries)
        {
            var open = new RecordOpenBenchmark(channel, tokens, new RecordOpenOptions { Postgres = options.Postgres, Entries = entries }, progress);
            var (client, written, _) = await open.Prepare(database);
            var view = await ViewSize(database, client.ClientId);
            var nurse = tokens.As(Role.Nurse, client.TeamId, client.NurseId);
            var read = new GetRecordRequest { ClientId = client.ClientId };
            // Warm: the grain is active, every silo has its address cached.
            await Repeat(Math.Min(100, options.Calls), _ => _records.GetRecordAsync(read, nurse).ResponseAsync);

            var background = await Idle();
            rows.Add(await Phase(written, "GetRecord", background, view, (m, _) => m.Time("GetRecord", () => _records.GetRecordAsync(read, nurse).ResponseAsync)));
            var started = DateTimeOffset.UtcNow;
            rows.Add(await Phase(written, "RecordVisit", background, null, (m, i) => m.Time("RecordVisit", () => _records.RecordVisitAsync(
                BenchmarkTeam.Visit(client.ClientId, client.NurseId, started.AddMinutes(-1).AddSeconds(-i % 3_600)), nurse).ResponseAsync)));
        }
        return new SiloBytesReport(options, rows);
    }

    /// <summary>What the silos send each other per second with no calls made: the background to take off.</summary>
    private async Task<double> Idle()
    {
        var before = await messaging.Read();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(options.Idle);
        var sent = await messaging.Read() - before;
        return sent.Bytes / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// The record's view (what <c>IClientGrain.Get</c> answers) as the JSON the domain's records travel in between
    /// silos, folded from the journal as an activation does: its whole size, and that of its latest visits and notes.
    /// </summary>
    private static async Task<ViewJson> ViewSize(NpgsqlDataSource database, string clientId)
    {
        var loaded = await new PostgresRecordJournal(database).Load(clientId) ?? throw new InvalidOperationException($"No record {clientId} in the database.");
        var view = RecordView.Of(loaded.Record);
        int Size<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, DomainJson.Options).Length;
        return new ViewJson(Size(view), view.LatestVisits.Count, Size(view.LatestVisits), view.LatestNotes.Count, Size(view.LatestNotes));
    }

    private async Task<SiloBytesRow> Phase(long entries, string operation, double backgroundPerSecond, ViewJson? view, Func<Measurements, int, Task> call)
    {
        await progress.WriteLineAsync($"bytes: {options.Calls} x {operation} on a record of {entries} entries");
        var measurements = new Measurements();
        var before = await messaging.Read();
        var started = Stopwatch.GetTimestamp();
        await Repeat(options.Calls, i => call(measurements, i));
        // One-way messages a call leaves behind (a client's figures pushed to its team) go out after it answers.
        await Task.Delay(options.Settle);
        var sent = await messaging.Read() - before;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var op = measurements.Operations[operation];
        return new SiloBytesRow(entries, operation, op.Count, op.Errors, sent, backgroundPerSecond * seconds, op.PercentileMs(50), op.PercentileMs(99), view);
    }

    private async Task Repeat(int count, Func<int, Task> step)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await step(i);
        })));
    }
}

/// <summary>The <c>bytes</c> measurement's settings.</summary>
public sealed record SiloBytesOptions
{
    public required string Postgres { get; init; }

    /// <summary>The record lengths to measure at, in journal entries.</summary>
    public IReadOnlyList<int> Entries { get; init; } = [50, 5000];

    /// <summary>Calls in each phase.</summary>
    public int Calls { get; init; } = 2000;

    public int Concurrency { get; init; } = 16;

    /// <summary>How long the idle background is measured for.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a phase's last answer its trailing one-way messages are waited for.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);

    public static SiloBytesOptions Parse(IReadOnlyList<string> args, string postgres)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new SiloBytesOptions
        {
            Postgres = postgres,
            Entries = Option("--entries") is { } e ? [.. e.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] : [50, 5000],
            Calls = Int("--calls", 2000),
            Concurrency = Int("--concurrency", 16),
            Idle = TimeSpan.FromSeconds(Int("--idle-seconds", 5)),
            Settle = TimeSpan.FromSeconds(Int("--settle-seconds", 2)),
        };
        if (options.Entries.Count == 0 || options.Entries.Any(n => n is < 5 or > 100_000)) throw new ArgumentException("--entries: record lengths of 5 to 100000, comma-separated.");
        if (options.Calls < 1 || options.Concurrency < 1) throw new ArgumentException("--calls and --concurrency must be at least 1.");
        return options;
    }
}

/// <summary>The size of a record's view as JSON, whole and of its latest visits and notes (with how many of each).</summary>
public sealed record ViewJson(int Bytes, int Visits, int VisitsBytes, int Notes, int NotesBytes);

/// <summary>One phase: its calls, what the silos sent each other meanwhile, and the background taken off.</summary>
public sealed record SiloBytesRow(long Entries, string Operation, long Calls, long Errors, MessagingTotals Sent, double Background, double P50Ms, double P99Ms,
    ViewJson? View = null)
{
    /// <summary>Silo-to-silo bytes per call, the idle background taken off.</summary>
    public double BytesPerCall => Math.Max(0, Sent.Bytes - Background) / Calls;

    /// <summary>Bytes per call that crossed: the net bytes over the requests one silo sent another.</summary>
    public double BytesPerCrossing => Sent.Requests == 0 ? 0 : Math.Max(0, Sent.Bytes - Background) / Sent.Requests;
}

public sealed record SiloBytesReport(SiloBytesOptions Options, IReadOnlyList<SiloBytesRow> Rows)
{
    public long Errors => Rows.Sum(r => r.Errors);

    public string ToMarkdown(int silos)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"bytes between silos: {silos} silos, {Options.Calls} calls per phase at concurrency {Options.Concurrency}, spread over the silos in turn; {Environment.ProcessorCount} cores; target under {SiloBytesBenchmark.TargetBytes:N0} bytes per call");
        md.AppendLine();
        md.AppendLine("| record entries | operation | calls | errors | silo-to-silo bytes | idle background taken off | messages | of which requests | bytes per call | bytes per crossing call | messages per call | largest message at most | p50 ms | p99 ms |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
        {
            var largest = double.IsPositiveInfinity(r.Sent.LargestAtMost) ? "over the last bucket" : $"{r.Sent.LargestAtMost:N0} B";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Entries:N0} | {r.Operation} | {r.Calls:N0} | {r.Errors} | {r.Sent.Bytes:N0} | {r.Background:N0} | {r.Sent.Messages:N0} | {r.Sent.Requests:N0} | {r.BytesPerCall:N0} | {r.BytesPerCrossing:N0} | {(double)r.Sent.Messages / r.Calls:0.00} | {largest} | {r.P50Ms:0.00} | {r.P99Ms:0.00} |");
        }
        md.AppendLine();
        md.AppendLine("What GetRecord's answer carries between silos: the record's view as the JSON the domain's records travel in.");
        md.AppendLine();
        md.AppendLine("| record entries | view as JSON | latest visits | their JSON | latest notes | their JSON |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows.Where(r => r.View is not null))
        {
            var v = r.View!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Entries:N0} | {v.Bytes:N0} B | {v.Visits} | {v.VisitsBytes:N0} B | {v.Notes} | {v.NotesBytes:N0} B |");
        }
        return md.ToString();
    }
}
