using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.Simulator.OrganisationDay;
using Grpc.Core;
using Npgsql;

namespace Buurtzorg.Simulator.Baseline;

/// <summary>A service under measurement: its channel, and the team, clients and nurse's token the load uses on it.</summary>
public sealed record MeasuredService(string Name, CallInvoker Channel, string TeamId, IReadOnlyList<(string ClientId, string NurseId)> Clients, CallOptions Nurse);

/// <summary>One operation at one concurrency on both services; the ratios are the project's over the baseline's.</summary>
public sealed record ComparedRow(int Callers, string Operation, Measurements.Operation? Project, double ProjectRate,
    Measurements.Operation? Conventional, double ConventionalRate);

public sealed record BaselineReport(IReadOnlyList<Check> Checks, IReadOnlyList<ComparedRow> Rows, string LoadBefore, string LoadAfter)
{
    public long Errors => Rows.Sum(r => (long)(r.Project?.Errors ?? 0) + (r.Conventional?.Errors ?? 0));

    public bool Passed => Checks.All(c => c.Passed) && Errors == 0;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; load average before {LoadBefore}, after {LoadAfter}");
        text.AppendLine();
        text.AppendLine("| service | behaviour | passed | detail |");
        text.AppendLine("|---|---|---|---|");
        foreach (var check in Checks) text.AppendLine(CultureInfo.InvariantCulture, $"| {check.Service} | {check.Behaviour} | {(check.Passed ? "yes" : "**NO**")} | {check.Detail} |");
        text.AppendLine();
        text.AppendLine("| callers | operation | project /s | p50 ms | p99 ms | baseline /s | p50 ms | p99 ms | rate ratio | p99 ratio | errors |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            static string Cell(Measurements.Operation? op, double rate) =>
                op is null ? "– | – | –" : string.Create(CultureInfo.InvariantCulture, $"{rate:0} | {op.PercentileMs(50):0.00} | {op.PercentileMs(99):0.00}");
            var ratio = row.Project is null || row.Conventional is null ? "–"
                : string.Create(CultureInfo.InvariantCulture, $"{row.ProjectRate / row.ConventionalRate:0.00}×");
            var tail = row.Project is null || row.Conventional is null ? "–"
                : string.Create(CultureInfo.InvariantCulture, $"{row.Project.PercentileMs(99) / row.Conventional.PercentileMs(99):0.00}×");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Callers} | {row.Operation} | {Cell(row.Project, row.ProjectRate)} | {Cell(row.Conventional, row.ConventionalRate)} | {ratio} | {tail} | {(row.Project?.Errors ?? 0) + (row.Conventional?.Errors ?? 0)} |");
        }
        return text.ToString();
    }
}

/// <summary>
/// The project's durable silo and the conventional baseline side by side on one PostgreSQL, under the same load: each
/// gets a team of ten nurses and sixty admitted clients (the silo's formed over gRPC as the other benchmarks form it,
/// the baseline's seeded with SQL), the checks of <see cref="BaselineChecks"/>, visits written into every record, then
/// GetRecord and GetCaseload, then RecordVisit, each closed loop at each concurrency, the silo first, then the
/// baseline. The ceilings are measured in the same run at the same concurrency: each server's health check, and
/// PostgreSQL's single-row committed upserts.
/// </summary>
public sealed class BaselineComparison(MeasuredService project, MeasuredService conventional, NpgsqlDataSource database, BenchmarkTokens tokens,
    BaselineOptions options, TextWriter progress)
{
    public async Task<BaselineReport> Run()
    {
        var loadBefore = LoadAverage();
        var checks = new List<Check>();
        var checker = new BaselineChecks(database, tokens);
        checks.AddRange(await checker.Run(project, BaselineChecks.Silo));
        checks.AddRange(await checker.Run(conventional, BaselineChecks.Conventional));
        await progress.WriteLineAsync($"baseline: checks {checks.Count(c => c.Passed)}/{checks.Count} passed; {options.VisitsPerClient} visits into each record");
        await Fill(project);
        await Fill(conventional);

        var rows = new List<ComparedRow>();
        var ceilings = new HashSet<int>();
        async Task Ceilings(int callers)
        {
            if (!ceilings.Add(callers)) return;
            // The silo's health check and the upsert as the other benchmarks measure them; then the baseline's health check.
            await progress.WriteLineAsync($"baseline: ceilings, {callers} callers, {options.Duration.TotalSeconds:0} s each");
            var ours = new Measurements();
            var walls = await OrganisationDay.Ceilings.Measure(project.Channel, options.Postgres, callers, options.Duration, ours);
            double Rate(string name) => ours.Operations[name].Count / walls[name].TotalSeconds;
            var (theirs, theirRate) = await One(conventional, callers, OrganisationDay.Ceilings.HealthCheck, HealthCheck);
            rows.Add(new ComparedRow(callers, OrganisationDay.Ceilings.HealthCheck, ours.Operations[OrganisationDay.Ceilings.HealthCheck],
                Rate(OrganisationDay.Ceilings.HealthCheck), theirs, theirRate));
            rows.Add(new ComparedRow(callers, OrganisationDay.Ceilings.Upsert, ours.Operations[OrganisationDay.Ceilings.Upsert],
                Rate(OrganisationDay.Ceilings.Upsert), null, double.NaN));
        }
        foreach (var callers in options.ReadCallers)
        {
            await Ceilings(callers);
            rows.Add(await Both(callers, "GetRecord", s =>
            {
                var records = new CareRecordService.CareRecordServiceClient(s.Channel);
                return (m, i) => m.Time("GetRecord", () => records.GetRecordAsync(
                    new GetRecordRequest { ClientId = s.Clients[(int)(i % s.Clients.Count)].ClientId }, s.Nurse).ResponseAsync);
            }));
            rows.Add(await Both(callers, "GetCaseload", s =>
            {
                var teams = new TeamService.TeamServiceClient(s.Channel);
                return (m, _) => m.Time("GetCaseload", () => teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = s.TeamId }, s.Nurse).ResponseAsync);
            }));
        }
        foreach (var callers in options.Callers)
        {
            await Ceilings(callers);
            rows.Add(await Both(callers, "RecordVisit", s =>
            {
                var records = new CareRecordService.CareRecordServiceClient(s.Channel);
                return (m, i) =>
                {
                    var (clientId, nurseId) = s.Clients[(int)(i % s.Clients.Count)];
                    return m.Time("RecordVisit", () => records.RecordVisitAsync(BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddMinutes(-30)), s.Nurse).ResponseAsync);
                };
            }));
        }
        return new BaselineReport(checks, rows, loadBefore, LoadAverage());
    }

    /// <summary>A call of the operation: given the measurements and the call's index over all callers.</summary>
    private delegate Task Call(Measurements measurements, long index);

    private async Task<ComparedRow> Both(int callers, string operation, Func<MeasuredService, Call> call)
    {
        var (ours, ourRate) = await One(project, callers, operation, call);
        var (theirs, theirRate) = await One(conventional, callers, operation, call);
        return new ComparedRow(callers, operation, ours, ourRate, theirs, theirRate);
    }

    /// <summary>The operation on one service, closed loop: its latencies and its rate over the phase's wall time.</summary>
    private async Task<(Measurements.Operation, double)> One(MeasuredService service, int callers, string operation, Func<MeasuredService, Call> call)
    {
        await progress.WriteLineAsync($"baseline: {service.Name} {operation}, {callers} callers, {options.Duration.TotalSeconds:0} s");
        var measurements = new Measurements();
        var step = call(service);
        var wall = await Load.Run(callers, options.Duration, (caller, i) => step(measurements, caller + i * callers));
        var measured = measurements.Operations[operation];
        return (measured, measured.Count / wall.TotalSeconds);
    }

    private static Call HealthCheck(MeasuredService service)
    {
        var health = new Grpc.Health.V1.Health.HealthClient(service.Channel);
        return (m, _) => m.Time(OrganisationDay.Ceilings.HealthCheck, () => health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest()).ResponseAsync);
    }

    /// <summary>Visits written into every record first, two hours back, as the reads benchmark does.</summary>
    private async Task Fill(MeasuredService service)
    {
        var records = new CareRecordService.CareRecordServiceClient(service.Channel);
        var visits = service.Clients.Count * options.VisitsPerClient;
        const int Writers = 8;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            for (var i = writer; i < visits; i += Writers)
            {
                var (clientId, nurseId) = service.Clients[i % service.Clients.Count];
                await records.RecordVisitAsync(BenchmarkTeam.Visit(clientId, nurseId, DateTimeOffset.UtcNow.AddHours(-2)), service.Nurse);
            }
        }));
    }

    /// <summary>The machine's load averages (1, 5, 15 minutes), for the report: other work on the machine shows here.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>
    /// The baseline's team, seeded with SQL by the baseline's own <c>seed</c> command (the simulator references no
    /// server project), as a service to measure: its first nurse acts for the team.
    /// </summary>
    public static async Task<MeasuredService> Seeded(string name, CallInvoker channel, string baselineAssembly, string postgres, BenchmarkTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.GetFullPath(baselineAssembly), "seed", "--postgres", postgres,
                "--nurses", BenchmarkTeam.Nurses.ToString(CultureInfo.InvariantCulture), "--clients", BenchmarkTeam.ClientCount.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var seed = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = seed.StandardOutput.ReadToEndAsync();
        var errors = seed.StandardError.ReadToEndAsync();
        await seed.WaitForExitAsync();
        if (seed.ExitCode != 0) throw new InvalidOperationException($"The baseline's seed command failed ({seed.ExitCode}): {await errors}");
        var team = JsonSerializer.Deserialize<SeededTeam>(await output) ?? throw new InvalidOperationException("The baseline's seed command wrote nothing.");
        return new MeasuredService(name, channel, team.TeamId, [.. team.Clients.Select(c => (c.ClientId, c.NurseId))],
            tokens.As(Role.Nurse, team.TeamId, team.NurseIds[0]));
    }

    /// <summary>What the baseline's <c>seed</c> command writes.</summary>
    private sealed record SeededTeam(string TeamId, IReadOnlyList<string> NurseIds, IReadOnlyList<SeededClient> Clients);

    private sealed record SeededClient(string ClientId, string NurseId);
}
