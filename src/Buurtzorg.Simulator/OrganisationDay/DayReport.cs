using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>The figures of one run, as written to JSON and to a Markdown table.</summary>
public sealed record DayReport
{
    public required DateTimeOffset StartedAt { get; init; }
    public required string Target { get; init; }
    public required string Mode { get; init; }

    /// <summary>Formed in this run, or read from a saved organisation (<c>--organisation</c>).</summary>
    public required string Organisation { get; init; }
    public required int Teams { get; init; }
    public required int NursesPerTeam { get; init; }
    public required int ClientsPerTeam { get; init; }
    public required int Days { get; init; }
    public required int Concurrency { get; init; }
    public required int Seed { get; init; }
    public required int ProcessorCount { get; init; }
    public required IReadOnlyList<OperationFigures> Ceilings { get; init; }
    public required IReadOnlyList<PhaseFigures> Phases { get; init; }
    public required IReadOnlyList<OperationFigures> Operations { get; init; }
    public required IReadOnlyList<MorningFigures> Mornings { get; init; }
    public long? SiloPeakRssBytes { get; init; }
    public long? SiloPeakRssDuringRunBytes { get; init; }

    /// <summary>Where <see cref="ActiveGrainsByType"/> comes from, or why there is none.</summary>
    public required string ActiveGrains { get; init; }

    /// <summary>The peak of active grains per grain type during the run, highest first; null without <c>--silo-metrics</c>.</summary>
    public IReadOnlyList<GrainTypeFigures>? ActiveGrainsByType { get; init; }

    public long Errors => Operations.Sum(o => o.Errors);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        static string N(double v, string format = "0") => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);
        static string Share(double? v) => v is { } s && !double.IsNaN(s) ? s.ToString("P0", CultureInfo.InvariantCulture) : "–";
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Organisation day, {Mode}: {Teams} teams x {NursesPerTeam} nurses x {ClientsPerTeam} clients ({Organisation}), {Days} day(s), concurrency {Concurrency}, seed {Seed}, {ProcessorCount} cores, started {StartedAt:u}.");
        md.AppendLine();
        md.AppendLine("| phase | runs | wall s | calls | calls/s | errors | share of health-check rate |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Phases)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Phase} | {p.Runs} | {N(p.Seconds, "0.0")} | {p.Calls} | {N(p.PerSecond)} | {p.Errors} | {Share(p.ShareOfHealthCheck)} |");
        md.AppendLine();
        md.AppendLine("| phase | operation | calls | per second | p50 ms | p90 ms | p99 ms | max ms | errors | share of health-check rate | share of upsert rate |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var o in Ceilings.Concat(Operations))
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {o.Phase} | {o.Operation} | {o.Calls} | {N(o.PerSecond)} | {N(o.P50Ms, "0.00")} | {N(o.P90Ms, "0.00")} | {N(o.P99Ms, "0.00")} | {N(o.MaxMs, "0.0")} | {(o.Errors == 0 ? "0" : string.Join(", ", o.ErrorsByStatus.Select(e => $"{e.Key} {e.Value}")))} | {Share(o.ShareOfHealthCheck)} | {Share(o.ShareOfUpsert)} |");
        md.AppendLine();
        md.AppendLine("Morning peak (every nurse on duty loads her day with GetMyDay; every team reads its caseload and reviews tomorrow):");
        md.AppendLine();
        md.AppendLine("| day | nurses | teams | wall s | calls | calls/s |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var m in Mornings)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Day} | {m.Nurses} | {m.Teams} | {N(m.Seconds, "0.0")} | {m.Calls} | {N(m.PerSecond)} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Silo peak RSS: {(SiloPeakRssBytes is { } b ? $"{b / 1024.0 / 1024.0:0} MiB (VmHWM since start)" : "not measured (no --silo-pid)")}{(SiloPeakRssDuringRunBytes is { } r ? $", {r / 1024.0 / 1024.0:0} MiB highest sampled during the run" : "")}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Active grains by type: {ActiveGrains}");
        if (ActiveGrainsByType is { } grains)
        {
            md.AppendLine();
            md.AppendLine("| grain type | peak active |");
            md.AppendLine("|---|---:|");
            foreach (var g in grains) md.AppendLine(CultureInfo.InvariantCulture, $"| {g.GrainType} | {g.PeakActivations} |");
        }
        return md.ToString();
    }
}

public sealed record OperationFigures(string Phase, string Operation, long Calls, double PerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs,
    long Errors, IReadOnlyDictionary<string, int> ErrorsByStatus, double? ShareOfHealthCheck, double? ShareOfUpsert);

public sealed record PhaseFigures(string Phase, int Runs, double Seconds, long Calls, double PerSecond, long Errors, double? ShareOfHealthCheck);

public sealed record MorningFigures(int Day, int Nurses, int Teams, double Seconds, long Calls, double PerSecond);
