using System.Diagnostics;
using Grpc.Core;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// The <c>organisation-day</c> command: forms the organisation (or reads a saved one), measures the ceilings on the
/// warmed server, runs the days, and reports every operation against the ceilings of the same run. Forming only
/// (<c>--days 0</c>) and saving the formed organisation let a durable silo be restarted, or its database given
/// history, between the formation and the days.
/// </summary>
public static class OrganisationDayBenchmark
{
    public static async Task<DayReport> Run(CallInvoker channel, BenchmarkTokens tokens, DayOptions options, string target, TextWriter progress)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var saved = options.OrganisationFile is { } file ? await Organisation.Load(file) : null;
        // A saved organisation brings its own scale; the report gives that one.
        if (saved is not null) options = options with { Teams = saved.Teams.Count, NursesPerTeam = saved.NursesPerTeam, ClientsPerTeam = saved.ClientsPerTeam };
        await using var memory = options.SiloPid is { } pid ? new SiloMemory(pid) : null;
        memory?.Start();
        await using var grains = options.SiloMetrics is { } metrics ? new SiloGrains(metrics, tokens) : null;
        if (grains is not null) await grains.Start();

        var run = new OrganisationDayRun(channel, tokens, options, progress, saved);
        if (saved is null) await run.Form();
        if (options.SaveOrganisationTo is { } path)
        {
            await run.Organisation.Save(path);
            if (options.Progress) await progress.WriteLineAsync($"organisation saved to {path}");
        }

        var ceilings = new Measurements();
        if (options.Progress) await progress.WriteLineAsync($"ceilings: {options.CeilingDuration.TotalSeconds:0} s each at concurrency {options.Concurrency}");
        var ceilingWalls = await Ceilings.Measure(channel, options.Postgres, options.Concurrency, options.CeilingDuration, ceilings);

        var clock = Stopwatch.StartNew();
        if (options.Days > 0) await run.Days(() => clock.Elapsed < options.Duration);
        var grainsByType = grains is null ? null : await grains.Stop();
        return Build(options, target, startedAt, run, ceilings, ceilingWalls, memory, grains, grainsByType);
    }

    private static DayReport Build(DayOptions options, string target, DateTimeOffset startedAt, OrganisationDayRun run, Measurements ceilings,
        Dictionary<string, TimeSpan> ceilingWalls, SiloMemory? memory, SiloGrains? grains, IReadOnlyList<GrainTypeFigures>? grainsByType)
    {
        double Rate(string name) => ceilings.Operations.TryGetValue(name, out var o) && ceilingWalls.TryGetValue(name, out var wall) ? o.Count / wall.TotalSeconds : double.NaN;
        var health = Rate(Ceilings.HealthCheck);
        var upsert = Rate(Ceilings.Upsert);
        double? Of(double rate, double ceiling) => double.IsNaN(ceiling) ? null : rate / ceiling;

        OperationFigures Figures(string phase, string name, Measurements.Operation o, TimeSpan wall, bool write)
        {
            var rate = o.Count / wall.TotalSeconds;
            return new OperationFigures(phase, name, o.Count, rate, o.PercentileMs(50), o.PercentileMs(90), o.PercentileMs(99), o.MaxMs, o.Errors,
                o.Outcomes.Where(x => x.Key != StatusCode.OK).ToDictionary(x => x.Key.ToString(), x => x.Value, StringComparer.Ordinal),
                Of(rate, health), write ? Of(rate, upsert) : null);
        }

        var phases = run.Phases.Phases;
        var order = new[] { "formation", "planning", "morning", "rounds", "evening" };
        var ops = order.Where(phases.ContainsKey).SelectMany(p => phases[p].Measurements.Operations.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => Figures(p, o.Key, o.Value, phases[p].Wall, !Reads.Contains(o.Key)))).ToList();
        var mornings = phases.TryGetValue("morning", out var morning) ? morning.Runs : [];
        return new DayReport
        {
            StartedAt = startedAt,
            Target = target,
            Mode = options.Postgres is null ? "embedded (no --postgres given)" : "durable",
            Organisation = options.OrganisationFile is { } file ? $"read from {file}" : "formed in this run",
            Teams = options.Teams,
            NursesPerTeam = options.NursesPerTeam,
            ClientsPerTeam = options.ClientsPerTeam,
            Days = phases.TryGetValue("rounds", out var rounds) ? rounds.Runs.Count : 0,
            Concurrency = options.Concurrency,
            Seed = options.Seed,
            ProcessorCount = Environment.ProcessorCount,
            Ceilings = ceilings.Operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => Figures("ceiling", o.Key, o.Value, ceilingWalls[o.Key], false)).ToList(),
            Phases = order.Where(phases.ContainsKey).Select(p => new PhaseFigures(p, phases[p].Runs.Count, phases[p].Wall.TotalSeconds, phases[p].Measurements.Calls,
                phases[p].Measurements.Calls / phases[p].Wall.TotalSeconds, phases[p].Measurements.Errors, Of(phases[p].Measurements.Calls / phases[p].Wall.TotalSeconds, health))).ToList(),
            Operations = ops,
            Mornings = mornings.Select(m => new MorningFigures(m.Day, m.Items - run.Organisation.Teams.Count(t => t.Active), run.Organisation.Teams.Count(t => t.Active),
                m.Wall.TotalSeconds, m.Calls, m.Calls / m.Wall.TotalSeconds)).ToList(),
            SiloPeakRssBytes = memory?.HighWaterMarkBytes,
            SiloPeakRssDuringRunBytes = memory?.PeakSampledBytes,
            ActiveGrains = grains is null
                ? "not reported (no --silo-metrics: give the silo's /metrics URL on its web port for Orleans' grain counts by type)."
                : $"the peak of Orleans' {SiloGrains.Metric} gauge per grain type, scraped every {SiloGrains.Interval.TotalSeconds:0} s from {options.SiloMetrics}"
                    + $" ({grains.Scrapes} scrapes{(grains.FailedScrapes > 0 ? $", {grains.FailedScrapes} failed: {grains.LastFailure}" : "")}).",
            ActiveGrainsByType = grainsByType,
        };
    }

    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
    {
        "GetCaseload", "GetRecord", "GetTeam", "GetOverview", "ListTeams", "GetTeamFigures",
    };
}
