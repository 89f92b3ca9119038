using System.Globalization;
using Buurtzorg.Simulator.Cluster;

namespace Buurtzorg.Simulator.Baseline;

/// <summary>The <c>baseline</c> command's options.</summary>
public sealed record BaselineOptions
{
    public required string Postgres { get; init; }

    /// <summary>The concurrencies visits are measured at (closed loop).</summary>
    public IReadOnlyList<int> Callers { get; init; } = [1, 16];

    /// <summary>The concurrencies GetRecord and GetCaseload are measured at (closed loop).</summary>
    public IReadOnlyList<int> ReadCallers { get; init; } = [16];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Visits written into every record of both services before the reads.</summary>
    public int VisitsPerClient { get; init; } = 20;

    public int Seed { get; init; } = 1;

    public string SiloAssembly { get; init; } = SiloCluster.DefaultSiloAssembly();

    public string BaselineAssembly { get; init; } = SiloCluster.ReleaseBuildOf("Buurtzorg.Baseline");

    public TimeSpan Startup { get; init; } = TimeSpan.FromSeconds(120);

    public static BaselineOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        static IReadOnlyList<int> Counts(string value, string name)
        {
            var counts = value.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
            return counts.Count > 0 && counts.All(c => c is > 0 and <= 1024) ? counts
                : throw new ArgumentException($"{name} takes callers counts from 1 to 1024, separated by commas.");
        }
        var defaults = new BaselineOptions { Postgres = "" };
        var options = new BaselineOptions
        {
            Postgres = Option("--postgres") ?? throw new ArgumentException("baseline needs --postgres: both services run on that database."),
            Callers = Option("--callers") is { } callers ? Counts(callers, "--callers") : defaults.Callers,
            Duration = TimeSpan.FromSeconds(int.Parse(Option("--duration") ?? "20", CultureInfo.InvariantCulture)),
            VisitsPerClient = int.Parse(Option("--visits-per-client") ?? "20", CultureInfo.InvariantCulture),
            Seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture),
            SiloAssembly = Option("--silo-dll") ?? defaults.SiloAssembly,
            BaselineAssembly = Option("--baseline-dll") ?? defaults.BaselineAssembly,
            Startup = TimeSpan.FromSeconds(int.Parse(Option("--startup-seconds") ?? "120", CultureInfo.InvariantCulture)),
        };
        return options with { ReadCallers = Option("--read-callers") is { } reads ? Counts(reads, "--read-callers") : [options.Callers.Max()] };
    }
}
