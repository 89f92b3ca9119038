using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>
/// The PostgreSQL server a chaos run crashes: one it is given (a connection string, and its data directory when it
/// may be crashed), or a throwaway one it creates in a temporary directory on the port asked for and deletes after.
/// A crash is <c>pg_ctl -m immediate stop</c>: every backend killed, no checkpoint, recovery from the WAL on start.
/// </summary>
/// <remarks>
/// The throwaway server runs with <c>fsync = off</c> but <c>synchronous_commit = on</c>: a commit is acknowledged once
/// its WAL is written to the operating system, which an immediate stop does not lose (only a crash of the machine
/// would). Its <c>max_connections</c> is PostgreSQL's default (100) unless the run asks for another, so the run shows
/// whether the silos' pools fit.
/// </remarks>
public sealed class ChaosDatabase : IAsyncDisposable
{
    private readonly string? _root;
    private readonly string? _bin;

    private ChaosDatabase(string connectionString, string? dataDirectory, string? root, string? bin) =>
        (ConnectionString, DataDirectory, _root, _bin) = (connectionString, dataDirectory, root, bin);

    public string ConnectionString { get; }

    /// <summary>The data directory <c>pg_ctl</c> stops and starts; null when the run may not crash the server.</summary>
    public string? DataDirectory { get; }

    public bool CanCrash => DataDirectory is not null;

    /// <summary>The server's log once this run has started it, read for "too many clients".</summary>
    public string? LogFile => _root is not null ? Path.Combine(_root, "server.log")
        : DataDirectory is not null ? Path.Combine(DataDirectory, "chaos-server.log") : null;

    public static ChaosDatabase Given(string connectionString, string? dataDirectory) =>
        new(connectionString, dataDirectory, null, dataDirectory is null ? null : Binaries());

    /// <summary>Creates and starts a throwaway server on 127.0.0.1:<paramref name="port"/>, with a database for the run.</summary>
    public static async Task<ChaosDatabase> Throwaway(int port, int maxConnections, TextWriter progress)
    {
        var bin = Binaries();
        var root = Directory.CreateTempSubdirectory("buurtzorg-chaos-pg-").FullName;
        var data = Path.Combine(root, "data");
        if (RunsAsRoot) await Run("chown", ["postgres:", root], asPostgres: false);
        await Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"]);
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), string.Create(CultureInfo.InvariantCulture, $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{root}'
            max_connections = {maxConnections}
            fsync = off
            synchronous_commit = on
            timezone = 'UTC'
            log_line_prefix = '%m [%p] '

            """));
        var database = new ChaosDatabase(
            new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString,
            data, root, bin);
        await database.Start();
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE chaos", admin);
            await create.ExecuteNonQueryAsync();
        }
        await progress.WriteLineAsync($"throwaway PostgreSQL on 127.0.0.1:{port} (max_connections {maxConnections}) in {root}");
        return new ChaosDatabase(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "chaos" }.ConnectionString, data, root, bin);
    }

    /// <summary><c>pg_ctl -m immediate stop</c>: the server crashes, every connection with it.</summary>
    public Task Crash() => PgCtl(["stop", "-D", DataDirectory!, "-m", "immediate", "-w", "-t", "60"]);

    /// <summary>Starts the server and waits until it accepts connections (after its crash recovery).</summary>
    public async Task Start()
    {
        await PgCtl(["start", "-D", DataDirectory!, "-w", "-t", "120", "-l", LogFile!]);
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root is null) return;
        try
        {
            await PgCtl(["stop", "-D", DataDirectory!, "-m", "immediate", "-w", "-t", "60"]);
        }
        catch (InvalidOperationException)
        {
            // Not running: the directory goes all the same.
        }
        Directory.Delete(_root, recursive: true);
    }

    private Task PgCtl(IReadOnlyList<string> arguments) => Run(Path.Combine(_bin!, "pg_ctl"), arguments);

    private static bool RunsAsRoot => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    /// <summary>The newest PostgreSQL server binaries installed (Debian's layout), or those on PATH.</summary>
    private static string Binaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
        if (onPath is not null) return onPath;
        const string installed = "/usr/lib/postgresql";
        var newest = Directory.Exists(installed)
            ? Directory.GetDirectories(installed).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException("No PostgreSQL server binaries (pg_ctl, initdb): apt-get install postgresql.");
    }

    /// <summary>Runs a PostgreSQL tool, as the postgres user when this process is root (PostgreSQL refuses root).</summary>
    private static async Task Run(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && RunsAsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", program]) start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = program;
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {program}.");
        // pg_ctl start leaves the server holding its inherited output open: read to the end only once it has exited.
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var error = await process.StandardError.ReadToEndAsync();
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
