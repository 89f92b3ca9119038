using Buurtzorg.Simulator.Cluster;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Buurtzorg.Simulator.Baseline;

/// <summary>
/// <c>baseline --postgres conn [--callers 1,16] [--read-callers 16] [--duration 20] [--visits-per-client 20] [--seed 1]
/// [--silo-dll path] [--baseline-dll path] [--startup-seconds 120] [--Security:Jwt:... keys]</c>: starts a durable
/// silo (the Release build of src/Buurtzorg.Silo) and the conventional baseline (src/Buurtzorg.Baseline) on the same
/// database, checks that both answer as the comparison assumes, measures both under the same load, and stops them.
/// </summary>
public static class BaselineCommand
{
    public static async Task<int> Run(string[] args, TextWriter output, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        BaselineOptions options;
        try
        {
            options = BaselineOptions.Parse(args);
            if (!File.Exists(options.BaselineAssembly))
                throw new ArgumentException($"No baseline at {options.BaselineAssembly}: build it (dotnet build -c Release src/Buurtzorg.Baseline) or give --baseline-dll.");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await progress.WriteLineAsync(e.Message);
            return 2;
        }
        var report = await Compare(options, [.. args.Skip(1)], progress);
        if (report is null) return 1;
        await output.WriteLineAsync(report.ToMarkdown());
        return report.Passed ? 0 : 1;
    }

    /// <summary>
    /// Runs the comparison; null (with the reason on <paramref name="progress"/>) when a service did not start.
    /// <paramref name="settings"/> are the command's options: the signing keys among them go to both services, so the
    /// simulator's tokens pass on both.
    /// </summary>
    public static async Task<BaselineReport?> Compare(BaselineOptions options, IReadOnlyList<string> settings, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine([.. settings]).Build());
        var keyArguments = settings.Select((a, i) => (a, i))
            .Where(x => x.a.StartsWith("--Security:", StringComparison.OrdinalIgnoreCase) && x.i + 1 < settings.Count)
            .SelectMany(x => new[] { x.a, settings[x.i + 1] }).ToList();
        SiloCluster silo;
        try
        {
            silo = await SiloCluster.Start(1, options.SiloAssembly, options.Postgres, keyArguments, progress, options.Startup);
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException or InvalidOperationException)
        {
            await progress.WriteLineAsync(e.Message);
            return null;
        }
        await using var _ = silo;
        var port = SiloProcess.FreePort();
        var grpc = new Uri($"http://127.0.0.1:{port}");
        using var baseline = SiloProcess.Launch("baseline", options.BaselineAssembly, grpc, grpc,
            [Path.GetFullPath(options.BaselineAssembly), "--urls", grpc.ToString(), "--postgres", options.Postgres,
                "--Logging:LogLevel:Default", "Warning", .. keyArguments]);
        try
        {
            var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(options.Startup.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            await SiloCluster.UntilServing(baseline, deadline, options.Startup,
                () => { if (baseline.HasExited) throw new InvalidOperationException($"The baseline exited as it started.\n{baseline.Output}"); },
                () => baseline.Output);
            using var siloConnection = SimulatorConnection.To(silo.GrpcTargets[0], tokens);
            using var baselineConnection = SimulatorConnection.To(grpc, tokens);
            var (siloChannel, baselineChannel) = (siloConnection.CallInvoker, baselineConnection.CallInvoker);
            await using var database = NpgsqlDataSource.Create(options.Postgres);
            var team = await BenchmarkTeam.Form(siloChannel, tokens, new Random(options.Seed));
            var project = new MeasuredService("project", siloChannel, team.TeamId, team.Clients, team.Nurse);
            var conventional = await BaselineComparison.Seeded("baseline", baselineChannel, options.BaselineAssembly, options.Postgres, tokens);
            return await new BaselineComparison(project, conventional, database, tokens, options, progress).Run();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await progress.WriteLineAsync(e.Message);
            return null;
        }
        finally
        {
            await baseline.Stop(TimeSpan.FromSeconds(20));
        }
    }
}
