using System.Diagnostics;
using System.Text;

namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>Runs command lines as an operator or CI would, and keeps what they printed for the assertion messages.</summary>
public static class Programs
{
    /// <summary>
    /// Runs a program to completion. One still running at the timeout is killed with its children, and the result
    /// says so; one that cannot start at all (not installed) comes back with exit code -1 and the reason.
    /// </summary>
    public static async Task<ProgramRun> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', start.ArgumentList.Prepend(fileName));

        using var process = new Process { StartInfo = start };
        var output = new Transcript();
        var errors = new Transcript();
        process.OutputDataReceived += (_, line) => output.Add(line.Data);
        process.ErrorDataReceived += (_, line) => errors.Add(line.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProgramRun(commandLine, -1, "", $"could not start {fileName} (is it installed and on PATH?): {e.Message}", TimedOut: false);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
            }
        }
        // Without a token this also waits for both streams to be read to the end.
        await process.WaitForExitAsync();
        return new ProgramRun(commandLine, timedOut ? -1 : process.ExitCode, output.Text, errors.Text, timedOut);
    }
}

/// <summary>What a finished (or killed) program left behind, printable as an assertion message.</summary>
public sealed record ProgramRun(string CommandLine, int ExitCode, string Output, string Errors, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public override string ToString() => $"""
        $ {CommandLine}
        {(TimedOut ? "timed out and was killed" : $"exited with {ExitCode}")}
        --- stdout ---
        {Tail(Output)}
        --- stderr ---
        {Tail(Errors)}
        """;

    // A failed dotnet publish prints pages; the end says why.
    private static string Tail(string text) => text.Length <= 8000 ? text.TrimEnd() : "…" + text[^8000..].TrimEnd();
}

/// <summary>Lines a process writes, collected from its reader threads.</summary>
public sealed class Transcript
{
    private readonly StringBuilder _text = new();

    public void Add(string? line)
    {
        if (line is null) return;
        lock (_text) _text.AppendLine(line);
    }

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }
}
