using System.Globalization;

namespace Buurtzorg.Simulator.History;

/// <summary>How much history the <c>history</c> command gives each client, as given on the command line.</summary>
public sealed record HistoryOptions
{
    public const int MaxWeeks = 520;
    public const int MaxVisitsPerWeek = 21;

    public required string Postgres { get; init; }
    public int Weeks { get; init; } = 52;
    public int VisitsPerWeek { get; init; } = 3;
    public int Seed { get; init; } = 1;

    /// <summary>Clients worked on at once; each holds one record in memory.</summary>
    public int Parallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Benchmark fixture: first moves each client's journal back so that the open episode begins where the history
    /// does (<see cref="Backdating"/>), then adds the history. Rewrites journal rows: only on a benchmark database,
    /// named again in <see cref="BenchmarkDatabase"/>.
    /// </summary>
    public bool Backdate { get; init; }

    /// <summary>The database's name, given again by the operator for <see cref="Backdate"/>; it must match the connection's.</summary>
    public string? BenchmarkDatabase { get; init; }

    /// <summary>One visit in this many weeks corrected; 0 for none. By default 13 (a quarter) with <see cref="Backdate"/>, else 0.</summary>
    public int CorrectEveryWeeks { get; init; }

    /// <summary>Runs even though the membership table shows a silo that may be alive.</summary>
    public bool Force { get; init; }

    /// <summary>Progress lines every few seconds; off in tests.</summary>
    public bool Progress { get; init; } = true;

    public static HistoryOptions Parse(IReadOnlyList<string> args)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new HistoryOptions
        {
            Postgres = Option("--postgres") ?? throw new ArgumentException("--postgres is required: the connection string of the silo's database."),
            Weeks = Int("--weeks", 52),
            VisitsPerWeek = Int("--visits-per-week", 3),
            Seed = Int("--seed", 1),
            Parallelism = Int("--parallelism", Math.Max(2, Environment.ProcessorCount)),
            Force = args.Contains("--force"),
            Backdate = args.Contains("--backdate"),
            BenchmarkDatabase = Option("--benchmark-database"),
            CorrectEveryWeeks = Int("--correct-every-weeks", args.Contains("--backdate") ? 13 : 0),
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (Weeks is < 1 or > MaxWeeks) throw new ArgumentException($"--weeks must be 1 to {MaxWeeks}.");
        if (VisitsPerWeek is < 1 or > MaxVisitsPerWeek) throw new ArgumentException($"--visits-per-week must be 1 to {MaxVisitsPerWeek}.");
        if (Parallelism < 1) throw new ArgumentException("--parallelism must be at least 1.");
        if (CorrectEveryWeeks < 0) throw new ArgumentException("--correct-every-weeks cannot be negative.");
        if (Backdate)
        {
            var database = new Npgsql.NpgsqlConnectionStringBuilder(Postgres).Database;
            if (string.IsNullOrEmpty(BenchmarkDatabase) || !string.Equals(BenchmarkDatabase, database, StringComparison.Ordinal))
                throw new ArgumentException(
                    "--backdate rewrites the dates of every record in the database: a benchmark fixture, never for real care records. " +
                    "Name the database again with --benchmark-database <name> (it must match the connection string's Database).");
        }
        else if (BenchmarkDatabase is not null) throw new ArgumentException("--benchmark-database goes with --backdate.");
    }
}
