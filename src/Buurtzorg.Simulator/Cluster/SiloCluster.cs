using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;

namespace Buurtzorg.Simulator.Cluster;

/// <summary>
/// Several silo processes on one PostgreSQL, as the Deployment runs its replicas: the Release build of the silo, each
/// with its own gRPC, web, silo and gateway ports on 127.0.0.1, all in a cluster id of their own. Started together (the
/// schema migration takes an advisory lock, so concurrent starts are safe) and ready once every silo is active in
/// the membership table and answers the gRPC health check. Disposing sends each SIGTERM, so it leaves the cluster
/// as a pod does, and kills what has not stopped after the host's shutdown timeout.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private const int Active = 3; // Orleans' SiloStatus.Active in the membership table
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(45);

    private readonly List<SiloProcess> _silos;

    private SiloCluster(string clusterId, List<SiloProcess> silos) => (ClusterId, _silos) = (clusterId, silos);

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IReadOnlyList<Uri> GrpcTargets => [.. _silos.Select(s => s.Grpc)];

    public IReadOnlyList<Uri> MetricsEndpoints => [.. _silos.Select(s => s.Metrics)];

    /// <summary>
    /// Starts <paramref name="count"/> silos on <paramref name="postgres"/> and waits until all are active members and
    /// serving; <paramref name="siloArguments"/> go to every silo (the signing keys, so tokens and the caller seal agree).
    /// </summary>
    public static async Task<SiloCluster> Start(int count, string siloAssembly, string postgres, IReadOnlyList<string> siloArguments,
        TextWriter progress, TimeSpan patience)
    {
        if (!File.Exists(siloAssembly))
            throw new FileNotFoundException($"No silo at {siloAssembly}: build it (dotnet build -c Release src/Buurtzorg.Silo) or give --silo-dll.", siloAssembly);
        var clusterId = $"sim-{Guid.NewGuid():N}"[..16];
        var silos = new List<SiloProcess>();
        var cluster = new SiloCluster(clusterId, silos);
        try
        {
            for (var i = 0; i < count; i++) silos.Add(SiloProcess.Start($"silo-{i}", siloAssembly, postgres, clusterId, siloArguments));
            await progress.WriteLineAsync($"cluster {clusterId}: {count} silo processes started ({string.Join(", ", silos.Select(s => $"{s.Name} pid {s.Pid} at {s.Grpc}"))})");
            var started = Stopwatch.GetTimestamp();
            await cluster.UntilActive(postgres, patience);
            await cluster.UntilServing(patience);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"cluster {clusterId}: {count} silos active and serving after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where the silo was built in Release, found from the simulator's own build directory up to the repository.</summary>
    public static string DefaultSiloAssembly() => ReleaseBuildOf("Buurtzorg.Silo");

    /// <summary>Where a project of <c>src/</c> was built in Release, found from the simulator's own build directory up.</summary>
    public static string ReleaseBuildOf(string project)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", project, "bin", "Release", "net10.0", $"{project}.dll");
            if (File.Exists(candidate)) return candidate;
        }
        return Path.Combine("src", project, "bin", "Release", "net10.0", $"{project}.dll");
    }

    private async Task UntilActive(string postgres, TimeSpan patience)
    {
        await using var database = NpgsqlDataSource.Create(postgres);
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            ThrowIfAnyExited();
            try
            {
                await using var query = database.CreateCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = $1 AND status = $2");
                query.Parameters.Add(new NpgsqlParameter { Value = ClusterId });
                query.Parameters.Add(new NpgsqlParameter { Value = Active });
                if ((long)(await query.ExecuteScalarAsync())! == _silos.Count) return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The first silo has not migrated the schema yet.
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"Not every silo was active in the membership table within {patience.TotalSeconds:0} s.\n{Diagnostics()}");
            await Task.Delay(250);
        }
    }

    private async Task UntilServing(TimeSpan patience)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        foreach (var silo in _silos) await UntilServing(silo, deadline, patience, ThrowIfAnyExited, Diagnostics);
    }

    /// <summary>Waits until <paramref name="process"/> answers the gRPC health check as serving, or the deadline passes.</summary>
    public static async Task UntilServing(SiloProcess process, long deadline, TimeSpan patience, Action throwIfExited, Func<string> diagnostics)
    {
        using var channel = GrpcChannel.ForAddress(process.Grpc);
        var health = new Health.HealthClient(channel);
        while (true)
        {
            throwIfExited();
            try
            {
                var answer = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException)
            {
                // Kestrel is not listening yet.
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"{process.Name} did not serve gRPC within {patience.TotalSeconds:0} s.\n{diagnostics()}");
            await Task.Delay(250);
        }
    }

    private void ThrowIfAnyExited()
    {
        if (_silos.FirstOrDefault(s => s.HasExited) is { } gone)
            throw new InvalidOperationException($"{gone.Name} exited while the cluster started.\n{Diagnostics()}");
    }

    /// <summary>The last lines each silo wrote, for an error message.</summary>
    public string Diagnostics() => string.Join("\n", _silos.Select(s => s.Output));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(s => s.Stop(StopPatience)));
        foreach (var silo in _silos) silo.Dispose();
    }
}

/// <summary>One silo process and its endpoints; the last lines of its output kept for diagnostics.</summary>
public sealed class SiloProcess : IDisposable
{
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private TextWriter? _log;

    private SiloProcess(string name, Process process, Uri grpc, Uri metrics) => (Name, _process, Grpc, Metrics) = (name, process, grpc, metrics);

    public string Name { get; }

    public Uri Grpc { get; }

    /// <summary>The silo's Prometheus endpoint on its web port (an operator's token required).</summary>
    public Uri Metrics { get; }

    public int Pid => _process.Id;

    /// <summary>The Orleans silo port (the membership table's <c>port</c>); 0 for a process that is no silo.</summary>
    public int SiloPort { get; private set; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lines) return $"--- {Name} (pid {Pid}) ---\n{string.Join("\n", _lines)}";
        }
    }

    /// <param name="log">Given, every line the silo writes is copied there as well (a synchronized writer).</param>
    public static SiloProcess Start(string name, string siloAssembly, string postgres, string clusterId, IReadOnlyList<string> siloArguments,
        TextWriter? log = null)
    {
        var (grpcPort, webPort, siloPort, gatewayPort) = (FreePort(), FreePort(), FreePort(), FreePort());
        string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        string[] arguments =
        [
            Path.GetFullPath(siloAssembly),
            "--urls", $"http://127.0.0.1:{Port(grpcPort)}",
            "--Web:Port", Port(webPort),
            "--Orleans:SiloPort", Port(siloPort),
            "--Orleans:GatewayPort", Port(gatewayPort),
            "--Orleans:ClusterId", clusterId,
            "--Orleans:AdvertisedAddress", "127.0.0.1",
            "--Logging:LogLevel:Default", "Warning",
            "--postgres", postgres,
            .. siloArguments,
        ];
        var silo = Launch(name, siloAssembly, new Uri($"http://127.0.0.1:{Port(grpcPort)}"), new Uri($"http://127.0.0.1:{Port(webPort)}/metrics"), arguments, log);
        silo.SiloPort = siloPort;
        return silo;
    }

    /// <summary>
    /// Starts <c>dotnet</c> with <paramref name="arguments"/> (the assembly first) in the assembly's directory: a silo,
    /// or another service the simulator measures beside one (the conventional baseline), serving gRPC at <paramref name="grpc"/>.
    /// </summary>
    public static SiloProcess Launch(string name, string assembly, Uri grpc, Uri metrics, IEnumerable<string> arguments, TextWriter? log = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(assembly))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, grpc, metrics) { _log = log };
        process.OutputDataReceived += (_, line) => silo.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _log?.WriteLine(line);
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines) _lines.Dequeue();
        }
    }

    /// <summary>SIGTERM, then the process is killed if it has not ended within <paramref name="patience"/>.</summary>
    public async Task Stop(TimeSpan patience)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            if (kill is not null) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGKILL, as a crash or the OOM killer ends it: no shutdown, no goodbye to the cluster.</summary>
    public async Task Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose() => _process.Dispose();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
