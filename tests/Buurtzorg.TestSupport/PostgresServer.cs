using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Buurtzorg.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for tests (an xunit fixture): each test takes a fresh database from it.
/// </summary>
/// <remarks>
/// With <c>BUURTZORG_TEST_PG</c> set to a connection string (a role that may create databases) that server is used as
/// it is. Otherwise a private server is created in a temporary directory from the local PostgreSQL binaries, listening
/// on 127.0.0.1 only, on a free port, with trust authentication; it runs as the <c>postgres</c> user when the tests
/// run as root. It is made for speed, not durability (fsync off), and is deleted on dispose.
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionStringVariable = "BUURTZORG_TEST_PG";

    private const string InstallHint = "Install them with `apt-get install -y postgresql`, or set " + ConnectionStringVariable +
        " to a connection string for an existing server whose role may create databases.";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> createdDatabases = [];
    private string? binDirectory;
    private string? rootDirectory;
    private string? dataDirectory;
    private bool running;

    /// <summary>A connection string to the server's maintenance database, as its superuser (or the given role).</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>True when the server came from <c>BUURTZORG_TEST_PG</c> and cannot be stopped or started here.</summary>
    public bool IsExternal { get; private set; }

    /// <summary>The TCP port of the private server (on 127.0.0.1).</summary>
    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } external)
        {
            IsExternal = true;
            AdminConnectionString = external;
            await WaitUntilAcceptingAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return;
        }

        binDirectory = FindBinaries(Environment.GetEnvironmentVariable("PATH"), "/usr/lib/postgresql");
        rootDirectory = Directory.CreateTempSubdirectory("buurtzorg-pg-").FullName;
        dataDirectory = Path.Combine(rootDirectory, "data");
        if (RunsAsRoot)
            await RunAsync("chown", ["postgres:", rootDirectory], asPostgres: false).ConfigureAwait(false);

        await RunAsync(Path.Combine(binDirectory, "initdb"),
            ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]).ConfigureAwait(false);

        Port = FreeTcpPort();
        // Settings go into the data directory, so a restart (StartAsync) comes back exactly the same.
        var settings = FormattableString.Invariant($"""

            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{rootDirectory}'
            max_connections = 300
            shared_buffers = 32MB
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            timezone = 'UTC'

            """);
        await AppendAsPostgresAsync(Path.Combine(dataDirectory, "postgresql.conf"), settings).ConfigureAwait(false);

        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;

        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Creates a fresh, empty database and returns a connection string to it.</summary>
    /// <param name="name">A readable prefix for the database name; a unique suffix is always added.</param>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        var prefix = new string((name ?? "test").ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        if (prefix.Length == 0 || !char.IsAsciiLetter(prefix[0]))
            prefix = "t_" + prefix;
        var database = $"{(prefix.Length > 40 ? prefix[..40] : prefix)}_{Guid.NewGuid().ToString("N")[..12]}";

        await using (var connection = new NpgsqlConnection(Unpooled(AdminConnectionString)))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        lock (createdDatabases)
            createdDatabases.Add(database);

        return new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = database,
            IncludeErrorDetail = true,
        }.ConnectionString;
    }

    /// <summary>Stops the private server (clients are disconnected); its data and port are kept for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        RequirePrivate();
        if (running)
        {
            await RunAsync(PgCtl, ["stop", "-D", dataDirectory!, "-m", "fast", "-w", "-t", "30"]).ConfigureAwait(false);
            running = false;
        }
        // Pooled connections to the stopped server are dead; never hand them out again.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the private server (again), on the same port with the same data, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        RequirePrivate();
        if (running)
            return;
        await RunAsync(PgCtl, ["start", "-D", dataDirectory!, "-l", Path.Combine(rootDirectory!, "server.log"), "-w", "-t", "30"]).ConfigureAwait(false);
        running = true;
        NpgsqlConnection.ClearAllPools();
        await WaitUntilAcceptingAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (IsExternal)
        {
            await DropCreatedDatabasesAsync().ConfigureAwait(false);
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        if (dataDirectory is not null && running)
        {
            try
            {
                await RunAsync(PgCtl, ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "30"]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the directory is removed all the same.
            }
            running = false;
        }
        if (rootDirectory is not null && Directory.Exists(rootDirectory))
            Directory.Delete(rootDirectory, recursive: true);
    }

    private string PgCtl => Path.Combine(binDirectory!, "pg_ctl");

    private static bool RunsAsRoot => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    private void RequirePrivate()
    {
        if (IsExternal)
            throw new InvalidOperationException($"The server from {ConnectionStringVariable} is not ours to stop or start; run this test against the private server (unset {ConnectionStringVariable}).");
        if (dataDirectory is null)
            throw new InvalidOperationException("The server has not been initialised.");
    }

    /// <summary>The directory holding <c>initdb</c> and <c>pg_ctl</c>: on PATH, else the newest under <paramref name="installed"/>.</summary>
    internal static string FindBinaries(string? path, string installed)
    {
        static bool HasBoth(string directory) =>
            File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!HasBoth(directory))
                continue;
            // The PATH entries may be symlinks into the real bin directory, where pg_ctl also finds `postgres`.
            var initdb = new FileInfo(Path.Combine(directory, "initdb"));
            var target = initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName;
            var real = Path.GetDirectoryName(target)!;
            return HasBoth(real) ? real : directory;
        }

        if (Directory.Exists(installed))
        {
            var newest = Directory.GetDirectories(installed)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => HasBoth(d.Directory))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault();
            if (newest is not null)
                return newest;
        }

        throw new InvalidOperationException($"PostgreSQL server binaries (initdb, pg_ctl) were found neither on PATH nor in {installed}/*/bin. {InstallHint}");
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private async Task WaitUntilAcceptingAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(Unpooled(AdminConnectionString));
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when ((e is NpgsqlException or SocketException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        string[] databases;
        lock (createdDatabases)
            databases = [.. createdDatabases];
        if (databases.Length == 0)
            return;
        await using var connection = new NpgsqlConnection(Unpooled(AdminConnectionString));
        await connection.OpenAsync().ConfigureAwait(false);
        foreach (var database in databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    private static async Task AppendAsPostgresAsync(string path, string text)
    {
        // Appending as root keeps the file's owner (postgres), so no further chown is needed.
        await File.AppendAllTextAsync(path, text).ConfigureAwait(false);
    }

    private void StopOnExit(object? sender, EventArgs e)
    {
        // Last resort when the test host exits without disposing fixtures: never leave a server running.
        if (!running || dataDirectory is null)
            return;
        try
        {
            RunAsync(PgCtl, ["stop", "-D", dataDirectory, "-m", "immediate"]).Wait(TimeSpan.FromSeconds(10));
            if (rootDirectory is not null)
                Directory.Delete(rootDirectory, recursive: true);
        }
        catch (Exception)
        {
            // Nothing more can be done while the process exits.
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = rootDirectory ?? Path.GetTempPath(),
        };
        if (asPostgres && RunsAsRoot)
        {
            // PostgreSQL refuses to run as root.
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", program])
                start.ArgumentList.Add(argument);
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run {start.FileName}: {e.Message}. {InstallHint}", e);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s.");
        }
        if (process.ExitCode != 0)
        {
            var log = dataDirectory is not null && rootDirectory is not null && File.Exists(Path.Combine(rootDirectory, "server.log"))
                ? await File.ReadAllTextAsync(Path.Combine(rootDirectory, "server.log")).ConfigureAwait(false)
                : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}{(log.Length > 0 ? "\nserver log:\n" + log : "")}");
        }
    }
}
