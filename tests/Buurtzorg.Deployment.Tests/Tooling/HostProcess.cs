using System.Diagnostics;

namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>
/// The published host running as its own process (<c>dotnet Buurtzorg.Silo.dll</c>), configured only through its
/// environment, as a container runtime starts it. Killed on dispose if still running.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    // Settings of the test process that must not leak into a "pod": the pod's environment is only what it is given.
    private static readonly string[] NotInherited = ["ASPNETCORE_", "DOTNET_SHUTDOWN", "Orleans__", "ConnectionStrings__", "Security__", "Probes__", "POD_", "ORLEANS_"];

    private readonly Process _process;
    private readonly Transcript _output = new();
    private readonly Transcript _standardOutput = new();

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it wrote to stdout and stderr so far, for assertion messages.</summary>
    public string Output => $"--- {Name} ---\n{_output.Text}";

    /// <summary>What it wrote to stdout alone, line by line: where the console log goes.</summary>
    public IReadOnlyList<string> StandardOutputLines => _standardOutput.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static HostProcess Start(string name, string hostAssembly, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(hostAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostAssembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => NotInherited.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var host = new HostProcess(name, process);
        process.OutputDataReceived += (_, line) =>
        {
            host._output.Add(line.Data);
            host._standardOutput.Add(line.Data);
        };
        process.ErrorDataReceived += (_, line) => host._output.Add(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>SIGTERM, as the kubelet sends when a pod is deleted or replaced.</summary>
    public async Task TerminateAsync()
    {
        var kill = await Programs.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.GetTempPath(), TimeSpan.FromSeconds(10));
        if (!kill.Succeeded) throw new InvalidOperationException($"Could not send SIGTERM to {Name}.\n{kill}");
    }

    /// <summary>Waits for the process to end; false if it is still running at the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await _process.WaitForExitAsync(); // and its output read to the end
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
