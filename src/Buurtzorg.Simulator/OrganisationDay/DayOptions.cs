using System.Globalization;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>The scale and mix of an organisation day, as given on the command line.</summary>
public sealed record DayOptions
{
    public int Teams { get; init; } = 20;
    public int NursesPerTeam { get; init; } = 12;
    public int ClientsPerTeam { get; init; } = 50;

    /// <summary>Days to run; 0 forms the organisation (and measures the ceilings) and stops.</summary>
    public int Days { get; init; } = 1;

    /// <summary>When set, days are run (at least one) until this much time has passed; checked between days.</summary>
    public TimeSpan? Duration { get; init; }

    public int Concurrency { get; init; } = 16;
    public int Seed { get; init; } = 1;

    /// <summary>How long each ceiling is measured for.</summary>
    public TimeSpan CeilingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the NHS test numbers start, so a second run against the same database refers new people. On a saved
    /// organisation, how many more to skip after the numbers its formation used.
    /// </summary>
    public int NhsOffset { get; init; }

    public string? Postgres { get; init; }
    public int? SiloPid { get; init; }

    /// <summary>The silo's Prometheus endpoint (<c>http://host:{Web:Port}/metrics</c>), for active grains by type.</summary>
    public Uri? SiloMetrics { get; init; }

    public string? Output { get; init; }

    /// <summary>Where to write the organisation once formed (ids only), for a later run's <see cref="OrganisationFile"/>.</summary>
    public string? SaveOrganisationTo { get; init; }

    /// <summary>A saved organisation to run the days on instead of forming one; its file gives the scale.</summary>
    public string? OrganisationFile { get; init; }

    /// <summary>Live progress: a line rewritten on a terminal, plain lines when redirected; off in tests.</summary>
    public bool Progress { get; init; } = true;

    public static DayOptions Parse(IReadOnlyList<string> args)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        Uri? Url(string name) => Option(name) is not { } v ? null
            : Uri.TryCreate(v, UriKind.Absolute, out var url) ? url : throw new ArgumentException($"{name} must be an absolute URL.");
        var options = new DayOptions
        {
            Teams = Int("--teams", 20),
            NursesPerTeam = Int("--nurses-per-team", 12),
            ClientsPerTeam = Int("--clients-per-team", 50),
            Days = Int("--days", 1),
            Duration = Option("--duration") is { } d ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : null,
            Concurrency = Int("--concurrency", 16),
            Seed = Int("--seed", 1),
            CeilingDuration = TimeSpan.FromSeconds(Int("--ceiling-seconds", 10)),
            NhsOffset = Int("--nhs-offset", 0),
            Postgres = Option("--postgres"),
            SiloPid = Option("--silo-pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null,
            SiloMetrics = Url("--silo-metrics"),
            Output = Option("--output"),
            SaveOrganisationTo = Option("--save-organisation"),
            OrganisationFile = Option("--organisation"),
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        // Four members is the care model's safe-staffing minimum: fewer and every referral is declined.
        if (NursesPerTeam < 4) throw new ArgumentException("--nurses-per-team must be at least 4 (the safe-staffing minimum).");
        if (Teams < 1 || ClientsPerTeam < 1 || Concurrency < 1) throw new ArgumentException("--teams, --clients-per-team and --concurrency must be at least 1.");
        if (Days < 0 || NhsOffset < 0) throw new ArgumentException("--days and --nhs-offset cannot be negative.");
        if (Days == 0 && Duration is not null) throw new ArgumentException("--days 0 forms the organisation only; it cannot be combined with --duration.");
        if (OrganisationFile is not null && Days == 0) throw new ArgumentException("--organisation runs days on a saved organisation: --days must be at least 1.");
        if (OrganisationFile is not null && SaveOrganisationTo is not null) throw new ArgumentException("--save-organisation saves a newly formed organisation; --organisation forms none.");
        if (SiloMetrics is not null && SiloMetrics.Scheme != Uri.UriSchemeHttp && SiloMetrics.Scheme != Uri.UriSchemeHttps) throw new ArgumentException("--silo-metrics must be an http or https URL.");
        // Capacity is min(60, 6 per full-time member); every simulated nurse works 37.5 hours.
        if (ClientsPerTeam > Math.Min(60, 6 * NursesPerTeam)) throw new ArgumentException("--clients-per-team is above the team's capacity (min(60, 6 x nurses)).");
        if (Teams > Districts.Count) throw new ArgumentException($"At most {Districts.Count} teams (one postcode district each).");
    }

    /// <summary>One postcode district per team, so every referral falls in exactly one team's neighbourhood.</summary>
    public static readonly IReadOnlyList<string> Districts =
        new[] { "E", "N", "W", "SE", "SW", "NW", "EC", "WC", "BR", "CR", "DA", "EN", "HA", "IG", "KT", "RM", "SM", "TW", "UB", "WD" }
            .SelectMany(area => Enumerable.Range(1, 60).Select(n => string.Create(CultureInfo.InvariantCulture, $"{area}{n}")))
            .ToList();
}
