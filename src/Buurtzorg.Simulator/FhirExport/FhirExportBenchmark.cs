using System.Globalization;
using System.Text;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.Simulator.RecordOpen;
using Grpc.Core;
using Npgsql;

namespace Buurtzorg.Simulator.FhirExport;

/// <summary>
/// Exporting a record as FHIR. For each length asked for, one client is formed and filled through the silo exactly as
/// <c>record-open</c> does it (visits, notes, ratings), then <c>ExportFhir</c> is timed, and beside it, as the ceiling,
/// reading the same whole history through <c>GetHistory</c> in pages of 500 — the part of an export that is the
/// journal's, which the export cannot beat. The report gives no patient data: ids, counts, sizes and times only.
/// </summary>
public sealed class FhirExportBenchmark(CallInvoker channel, BenchmarkTokens tokens, FhirExportOptions options, TextWriter progress)
{
    public const string Export = "ExportFhir";
    public const string History = "GetHistory, every page (ceiling)";

    private readonly CareRecordService.CareRecordServiceClient _records = new(channel);

    public async Task<FhirExportReport> Run()
    {
        await using var database = NpgsqlDataSource.Create(options.Postgres);
        var rows = new List<FhirExportRow>();
        foreach (var entries in options.Entries)
        {
            var fill = new RecordOpenBenchmark(channel, tokens, new RecordOpenOptions { Target = options.Target, Postgres = options.Postgres, Entries = entries }, progress);
            var (client, written, _) = await fill.Prepare(database);
            var nurse = tokens.As(Role.Nurse, client.TeamId, client.NurseId);
            var request = new ExportFhirRequest { ClientId = client.ClientId };
            progress.WriteLine($"fhir-export: measuring {written} entries");
            var measurements = new Measurements();
            ExportFhirResponse? last = null;
            for (var i = 0; i < options.Samples + options.Warmup; i++)
            {
                var m = i < options.Warmup ? new Measurements() : measurements;
                last = await m.Time(Export, () => _records.ExportFhirAsync(request, nurse).ResponseAsync) ?? last;
                await m.Time(History, () => WholeHistory(client.ClientId, nurse));
            }
            rows.Add(new FhirExportRow(written, last, last is null ? 0 : Encoding.UTF8.GetByteCount(last.BundleJson), measurements));
        }
        return new FhirExportReport(options, rows);
    }

    private async Task<object> WholeHistory(string clientId, CallOptions nurse)
    {
        var token = "";
        var count = 0;
        do
        {
            var page = await _records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = 500, PageToken = token }, nurse);
            count += page.Entries.Count;
            token = page.NextPageToken;
        }
        while (token != "");
        return count;
    }
}

/// <summary>The <c>fhir-export</c> benchmark's settings, as given on the command line.</summary>
public sealed record FhirExportOptions
{
    public string Target { get; init; } = "http://localhost:5000";
    public required string Postgres { get; init; }
    public IReadOnlyList<int> Entries { get; init; } = [50, 5000];
    public int Samples { get; init; } = 50;
    public int Warmup { get; init; } = 5;

    public static FhirExportOptions Parse(IReadOnlyList<string> args)
    {
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        var options = new FhirExportOptions
        {
            Target = Option("--target") ?? "http://localhost:5000",
            Postgres = Option("--postgres") ?? throw new ArgumentException("--postgres is required: the connection string of the silo's database."),
            Entries = Option("--entries") is { } e ? [.. e.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : [50, 5000],
            Samples = Option("--samples") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 50,
        };
        if (options.Entries.Any(n => n is < 5 or > 100_000)) throw new ArgumentException("--entries must be 5 to 100000 each.");
        if (options.Samples < 1) throw new ArgumentException("--samples must be at least 1.");
        return options;
    }
}

/// <summary>One record's figures; <see cref="Last"/> is null when every export failed (the errors column says how).</summary>
public sealed record FhirExportRow(long Entries, ExportFhirResponse? Last, int BundleBytes, Measurements Measurements);

public sealed record FhirExportReport(FhirExportOptions Options, IReadOnlyList<FhirExportRow> Rows)
{
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"fhir-export: {Options.Samples} timed exports per record (after {Options.Warmup} untimed), one caller, against {Options.Target}");
        text.AppendLine();
        text.AppendLine("| entries | resources | encounters | observations | bundle bytes | ExportFhir p50 ms | p99 ms | GetHistory all pages p50 ms | p99 ms | export / history (p50) | errors |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            var export = row.Measurements.Operations[FhirExportBenchmark.Export];
            var history = row.Measurements.Operations[FhirExportBenchmark.History];
            var failures = string.Join(", ", export.Outcomes.Concat(history.Outcomes).Where(o => o.Key != StatusCode.OK).Select(o => $"{o.Value} {o.Key}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Entries} | {row.Last?.ResourceCount} | {row.Last?.EncounterCount} | {row.Last?.ObservationCount} | {row.BundleBytes} | " +
                $"{export.PercentileMs(50):0.0} | {export.PercentileMs(99):0.0} | {history.PercentileMs(50):0.0} | {history.PercentileMs(99):0.0} | " +
                $"{export.PercentileMs(50) / history.PercentileMs(50):0.00} | {export.Errors + history.Errors} {failures} |");
        }
        return text.ToString();
    }
}
