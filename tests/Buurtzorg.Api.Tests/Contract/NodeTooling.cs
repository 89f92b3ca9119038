using System.Diagnostics;
using System.Text;

namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// The Node side of the contract tests (<c>tests/contract</c>): buf, and a gRPC client that knows only the protos.
/// Installs its packages with <c>npm ci</c> once per test run, when the lock file is newer than what is installed.
/// An install that fails fails the tests with npm's output: a contract check that silently skips proves nothing.
/// </summary>
public sealed class NodeTooling : IAsyncLifetime
{
    /// <summary>The test collection whose classes share one install.</summary>
    public const string Collection = "Node tooling";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    public NodeTooling()
    {
        RepositoryRoot = FindRepositoryRoot();
        ContractDirectory = Path.Combine(RepositoryRoot, "tests", "contract");
        ProtosDirectory = Path.Combine(RepositoryRoot, "protos");
    }

    public string RepositoryRoot { get; }

    /// <summary><c>tests/contract</c>: package.json, the lock file and the Node scripts.</summary>
    public string ContractDirectory { get; }

    /// <summary><c>protos</c>: the buf module root.</summary>
    public string ProtosDirectory { get; }

    public async Task InitializeAsync()
    {
        if (IsInstalled()) return;

        var install = await RunAsync(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund"],
            ContractDirectory, InstallTimeout);
        if (install.ExitCode != 0 || !IsInstalled())
            throw new InvalidOperationException($"npm ci in {ContractDirectory} failed, so the contract cannot be checked.\n{install}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs <c>node</c> with the given arguments in <c>tests/contract</c>.</summary>
    public Task<ProcessResult> RunNodeAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        RunAsync(OperatingSystem.IsWindows() ? "node.exe" : "node", arguments, ContractDirectory, timeout);

    /// <summary>Runs the buf CLI installed by npm (pinned in <c>tests/contract/package.json</c>).</summary>
    public Task<ProcessResult> RunBufAsync(IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout) =>
        RunAsync(Path.Combine(ContractDirectory, "node_modules", ".bin", OperatingSystem.IsWindows() ? "buf.cmd" : "buf"),
            arguments, workingDirectory, timeout);

    /// <summary>
    /// Runs a program to completion and captures what it wrote. A program still running at the timeout is killed
    /// with its children, and its result says so.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));

        var standardOutput = new StringBuilder();
        var standardError = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Append(standardOutput, line.Data);
        process.ErrorDataReceived += (_, line) => Append(standardError, line.Data);

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(commandLine, -1, "", $"could not start {fileName} (is it installed and on PATH?): {e.Message}", TimedOut: false);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
        }

        // Without a token, this also waits until both redirected streams have been read to the end.
        await process.WaitForExitAsync();
        return new ProcessResult(commandLine, timedOut ? -1 : process.ExitCode, Read(standardOutput), Read(standardError), timedOut);
    }

    private bool IsInstalled()
    {
        var installed = new FileInfo(Path.Combine(ContractDirectory, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(ContractDirectory, "package-lock.json"));
        return installed.Exists && installed.LastWriteTimeUtc >= locked.LastWriteTimeUtc;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static string Read(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Buurtzorg.Grains.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Buurtzorg.Grains.sln.");
    }
}

/// <summary>What a finished (or killed) program left behind, printable as an assertion message.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public override string ToString()
    {
        var outcome = TimedOut ? "timed out and was killed" : $"exited with {ExitCode}";
        return $"""
            $ {CommandLine}
            {outcome}
            --- stdout ---
            {StandardOutput.TrimEnd()}
            --- stderr ---
            {StandardError.TrimEnd()}
            """;
    }
}

/// <summary>Every test class in <see cref="NodeTooling.Collection"/> shares one install.</summary>
[CollectionDefinition(NodeTooling.Collection)]
public sealed class NodeToolingDefinition : ICollectionFixture<NodeTooling>;
