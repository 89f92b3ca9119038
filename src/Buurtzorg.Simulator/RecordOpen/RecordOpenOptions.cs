using System.Globalization;

namespace Buurtzorg.Simulator.RecordOpen;

/// <summary>The <c>record-open</c> benchmark's settings, as given on the command line.</summary>
public sealed record RecordOpenOptions
{
    public string Target { get; init; } = "http://localhost:5000";
    public required string Postgres { get; init; }
    public int Entries { get; init; } = 5000;
    public int Samples { get; init; } = 1000;
    public int Concurrency { get; init; } = 1;

    /// <summary>Times the parts of a load (read, JSON, replay) even when its p99 is within the target.</summary>
    public bool Parts { get; init; }

    /// <summary>Copies of the record held at once to weigh one on the heap.</summary>
    public int Copies { get; init; } = 20;

    public static RecordOpenOptions Parse(IReadOnlyList<string> args)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new RecordOpenOptions
        {
            Target = Option("--target") ?? "http://localhost:5000",
            Postgres = Option("--postgres") ?? throw new ArgumentException("--postgres is required: the connection string of the silo's database."),
            Entries = Int("--entries", 5000),
            Samples = Int("--samples", 1000),
            Concurrency = Int("--concurrency", 1),
            Parts = args.Contains("--parts"),
        };
        // Formation makes four entries (referral, admission, problem, intervention).
        if (options.Entries is < 5 or > 100_000) throw new ArgumentException("--entries must be 5 to 100000.");
        if (options.Samples < 1 || options.Concurrency < 1) throw new ArgumentException("--samples and --concurrency must be at least 1.");
        return options;
    }
}
