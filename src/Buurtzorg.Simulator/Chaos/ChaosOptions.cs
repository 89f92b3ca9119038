using System.Globalization;
using Buurtzorg.Simulator.Cluster;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// <c>chaos [--postgres conn [--pg-data dir]] [--pg-port 55470] [--pg-max-connections 100] [--silos 3] [--callers 16]
/// [--duration 600] [--kill-every 10-20] [--pg-crashes 5] [--pg-down 5] [--all-kills 2] [--rolling 1] [--teams 4]
/// [--seed 1] [--output dir] [--silo-dll path] [--startup-seconds 180] [--Orleans:… --Postgres:… --Security:… for
/// the silos]</c>.
/// </summary>
public sealed record ChaosOptions
{
    /// <summary>The database to run on; none: a throwaway server on <see cref="PgPort"/>.</summary>
    public string? Postgres { get; init; }

    /// <summary>The given server's data directory, so <c>pg_ctl</c> may crash it; without it no PostgreSQL crash is made.</summary>
    public string? PgData { get; init; }

    public int PgPort { get; init; } = 55470;

    public int PgMaxConnections { get; init; } = 100;

    public int Silos { get; init; } = 3;

    public int Callers { get; init; } = 16;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A random silo is SIGKILLed (and replaced) after a pause drawn from this range; 0-0: never.</summary>
    public (double Min, double Max) KillEvery { get; init; } = (10, 20);

    public int PgCrashes { get; init; } = 3;

    /// <summary>How long PostgreSQL stays down after each crash.</summary>
    public TimeSpan PgDown { get; init; } = TimeSpan.FromSeconds(5);

    public int AllKills { get; init; } = 1;

    /// <summary>Rolling restarts: every silo SIGTERMed and replaced in turn, as a Deployment's rollout.</summary>
    public int Rolling { get; init; } = 1;

    public int Teams { get; init; } = 4;

    public int Seed { get; init; } = 1;

    public string? Output { get; init; }

    public string SiloAssembly { get; init; } = SiloCluster.DefaultSiloAssembly();

    public TimeSpan Startup { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Options every silo is started with: the signing keys and any <c>--Orleans:</c> / <c>--Postgres:</c> settings.</summary>
    public IReadOnlyList<string> SiloArguments { get; init; } = [];

    private static readonly string[] PassedToSilos = ["--Security:", "--Orleans:", "--Postgres:", "--Logging:"];

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var defaults = new ChaosOptions();
        var every = Option("--kill-every")?.Split('-').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (every is not null && (every.Length != 2 || every[0] > every[1] || every[0] < 0))
            throw new ArgumentException("--kill-every takes a range of seconds, such as 10-20 (0-0: no single-silo kills).");
        var options = new ChaosOptions
        {
            Postgres = Option("--postgres"),
            PgData = Option("--pg-data"),
            PgPort = Int("--pg-port", defaults.PgPort),
            PgMaxConnections = Int("--pg-max-connections", defaults.PgMaxConnections),
            Silos = Int("--silos", defaults.Silos),
            Callers = Int("--callers", defaults.Callers),
            Duration = TimeSpan.FromSeconds(Int("--duration", (int)defaults.Duration.TotalSeconds)),
            KillEvery = every is null ? defaults.KillEvery : (every[0], every[1]),
            PgCrashes = Int("--pg-crashes", defaults.PgCrashes),
            PgDown = TimeSpan.FromSeconds(Int("--pg-down", (int)defaults.PgDown.TotalSeconds)),
            AllKills = Int("--all-kills", defaults.AllKills),
            Rolling = Int("--rolling", defaults.Rolling),
            Teams = Int("--teams", defaults.Teams),
            Seed = Int("--seed", defaults.Seed),
            Output = Option("--output"),
            SiloAssembly = Option("--silo-dll") ?? defaults.SiloAssembly,
            Startup = TimeSpan.FromSeconds(Int("--startup-seconds", (int)defaults.Startup.TotalSeconds)),
            SiloArguments = [.. args.Select((a, i) => (a, i))
                .Where(x => PassedToSilos.Any(p => x.a.StartsWith(p, StringComparison.OrdinalIgnoreCase)) && x.i + 1 < args.Count)
                .SelectMany(x => new[] { x.a, args[x.i + 1] })],
        };
        if (options.Silos < 1 || options.Callers < 1 || options.Teams < 1 || options.Duration <= TimeSpan.Zero)
            throw new ArgumentException("--silos, --callers, --teams and --duration must be positive.");
        if (options.PgCrashes > 0 && options.Postgres is not null && options.PgData is null)
            throw new ArgumentException("Crashing a given PostgreSQL needs its data directory (--pg-data), or --pg-crashes 0.");
        return options;
    }
}
