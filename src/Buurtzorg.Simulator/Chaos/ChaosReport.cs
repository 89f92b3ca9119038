using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>How the cluster came back from one fault, in seconds.</summary>
/// <param name="At">When the fault began, after the run's start.</param>
/// <param name="Recovered">When what it broke was back (replacements serving, PostgreSQL accepting connections).</param>
/// <param name="FirstWrite">From the fault to the first successful write after it.</param>
/// <param name="LongestGap">The longest time without a successful write from the fault until the next fault.</param>
/// <param name="FirstWriteAfterReturn">For a PostgreSQL crash: from its return to the first successful write.</param>
/// <param name="DeclaredDeadAfter">For a silo SIGKILL: from the kill to the membership table showing the silo dead.</param>
public sealed record FaultRecovery(
    string Kind, double At, double Recovered, double? FirstWrite, double LongestGap, double? FirstWriteAfterReturn, double? DeclaredDeadAfter);

/// <summary>The chaos run's report: what was done to the cluster, what the callers saw and what the checker found.</summary>
public sealed record ChaosReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public required string Command { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double Seconds { get; init; }

    public required int Silos { get; init; }

    public required int Callers { get; init; }

    public required IReadOnlyList<string> SiloSettings { get; init; }

    public required ChaosCheck Check { get; init; }

    /// <summary>Every answer, by operation, then status ("transport": made by the client library, the connection failed).</summary>
    public required SortedDictionary<string, SortedDictionary<string, long>> Answers { get; init; }

    public required IReadOnlyList<FaultRecovery> Faults { get; init; }

    /// <summary>Log lines of the silos (and of a PostgreSQL the run started) with SQLSTATE 53300, "too many clients".</summary>
    public required long TooManyClients { get; init; }

    /// <summary>Silos the membership table showed dead that the run had not stopped.</summary>
    public required IReadOnlyList<int> FalselyDeclaredDead { get; init; }

    /// <summary>Silos the membership table showed suspected that the run had not stopped.</summary>
    public required IReadOnlyList<int> FalselySuspected { get; init; }

    /// <summary>Replacement silos that did not serve within the startup patience (killed and started again).</summary>
    public required int FailedStarts { get; init; }

    /// <summary>Writes sent again and then refused, or never answered, with their answers in order (see <see cref="ChaosLedger.RetriedThenRefused"/>).</summary>
    public required IReadOnlyList<string> RetriedThenRefused { get; init; }

    /// <summary>Successful writes in each second of the run, from its start.</summary>
    public required IReadOnlyList<int> SuccessesPerSecond { get; init; }

    public long ServerInternalOrUnknown => Count(s => s is "Internal" or "Unknown");

    public long TransportInternalOrUnknown => Count(s => s is "Internal (transport)" or "Unknown (transport)");

    public int SiloKills => Faults.Count(f => f.Kind == ChaosFault.SiloKill);

    public int PostgresCrashes => Faults.Count(f => f.Kind == ChaosFault.PostgresCrash);

    public int AllSiloKills => Faults.Count(f => f.Kind == ChaosFault.AllSilosKill);

    public int RollingRestarts => Faults.Count(f => f.Kind == ChaosFault.RollingRestart);

    /// <summary>The run fails on any lost, doubled or refused-yet-applied write, any broken invariant or disagreement, any INTERNAL/UNKNOWN a silo sent.</summary>
    public bool Passed =>
        Check.Lost.Count == 0 && Check.AppliedTwice.Count == 0 && Check.AppliedThoughRefused.Count == 0 && Check.Violations.Count == 0
        && Check.JournalDisagrees.Count == 0 && Check.AuditDisagrees.Count == 0 && ServerInternalOrUnknown == 0;

    private long Count(Func<string, bool> status) => Answers.Values.SelectMany(a => a).Where(a => status(a.Key)).Sum(a => a.Value);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"chaos run {StartedAt:yyyy-MM-dd HH:mm} UTC, {Seconds:0} s, {Silos} silos, {Callers} callers, {Environment.ProcessorCount} cores");
        Line($"command: {Command}");
        Line($"silo settings: {(SiloSettings.Count == 0 ? "(defaults)" : string.Join(' ', SiloSettings))}");
        Line($"faults: {SiloKills} silo SIGKILLs, {PostgresCrashes} PostgreSQL immediate stops, {AllSiloKills} all-silo SIGKILLs, {RollingRestarts} rolling SIGTERM restarts");
        text.AppendLine();
        Line($"| result | count |");
        Line($"|---|---:|");
        Line($"| acknowledged writes | {Check.Acknowledged} |");
        Line($"| refused writes (a rule or a bad request) | {Check.Refused} |");
        Line($"| unresolved writes (no answer after {ChaosWorkload.RetryPatience.TotalMinutes:0} min of retries) | {Check.Unresolved} |");
        Line($"| records checked / history entries read | {Check.Records} / {Check.HistoryEntries} |");
        Line($"| **lost** (acknowledged, not in the history) | {Check.Lost.Count} |");
        Line($"| **applied twice** | {Check.AppliedTwice.Count} |");
        Line($"| **applied though refused** | {Check.AppliedThoughRefused.Count} |");
        Line($"| **journal disagrees with the API** | {Check.JournalDisagrees.Count} |");
        Line($"| **audit disagrees with the journal** | {Check.AuditDisagrees.Count} |");
        Line($"| **invariant violations** | {Check.Violations.Count} |");
        Line($"| **INTERNAL / UNKNOWN sent by a silo** | {ServerInternalOrUnknown} |");
        Line($"| INTERNAL / UNKNOWN made by the client library (connection broken mid-call) | {TransportInternalOrUnknown} |");
        Line($"| \"too many clients\" (53300) log lines | {TooManyClients} |");
        Line($"| silos declared dead that were not stopped | {FalselyDeclaredDead.Count} |");
        Line($"| silos suspected that were not stopped | {FalselySuspected.Count} |");
        Line($"| replacement silos not serving within the startup patience | {FailedStarts} |");
        text.AppendLine();
        var statuses = Answers.Values.SelectMany(a => a.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"| operation | {string.Join(" | ", statuses)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|---|{string.Concat(statuses.Select(_ => "---:|"))}");
        foreach (var (operation, answers) in Answers)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {operation} | {string.Join(" | ", statuses.Select(s => answers.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture)))} |");
        text.AppendLine();
        var kills = Faults.Where(f => f.Kind == ChaosFault.SiloKill).ToList();
        if (kills.Count > 0)
        {
            var detected = kills.Where(k => k.DeclaredDeadAfter is not null).Select(k => k.DeclaredDeadAfter!.Value).Order().ToList();
            Line($"silo SIGKILL: longest gap without a successful write {kills.Max(k => k.LongestGap):0.0} s (median {Median(kills.Select(k => k.LongestGap)):0.0} s); declared dead after median {Median(detected):0.0} s, longest {(detected.Count > 0 ? detected[^1] : double.NaN):0.0} s ({detected.Count} of {kills.Count} seen dead)");
        }
        foreach (var crash in Faults.Where(f => f.Kind == ChaosFault.PostgresCrash))
            Line($"PostgreSQL crash at {crash.At:0.0} s: back at {crash.Recovered:0.0} s, first successful write {crash.FirstWriteAfterReturn:0.00} s after it returned; longest gap {crash.LongestGap:0.0} s");
        foreach (var fault in Faults.Where(f => f.Kind is ChaosFault.AllSilosKill or ChaosFault.RollingRestart))
            Line($"{fault.Kind} at {fault.At:0.0} s: silos back at {fault.Recovered:0.0} s, longest gap {fault.LongestGap:0.0} s");
        text.AppendLine();
        foreach (var (title, items) in new[]
        {
            ("lost", Check.Lost), ("applied twice", Check.AppliedTwice), ("applied though refused", Check.AppliedThoughRefused),
            ("journal disagrees", Check.JournalDisagrees), ("audit disagrees", Check.AuditDisagrees), ("invariant violations", Check.Violations),
        })
        {
            if (items.Count == 0) continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
            foreach (var item in items.Take(20)) text.AppendLine(CultureInfo.InvariantCulture, $"  {item}");
            if (items.Count > 20) Line($"  … and {items.Count - 20} more (in the JSON)");
        }
        if (RetriedThenRefused.Count > 0)
        {
            Line($"sent again, then refused or never answered ({RetriedThenRefused.Count}; right if the first attempt changed nothing):");
            foreach (var write in RetriedThenRefused.Take(20)) text.AppendLine(CultureInfo.InvariantCulture, $"  {write}");
            if (RetriedThenRefused.Count > 20) Line($"  … and {RetriedThenRefused.Count - 20} more (in the JSON)");
        }
        text.AppendLine(Passed ? "PASSED" : "FAILED");
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
