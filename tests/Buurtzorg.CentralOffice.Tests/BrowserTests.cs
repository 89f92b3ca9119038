using System.Diagnostics;
using System.Text;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Xunit.Abstractions;

namespace Buurtzorg.CentralOffice.Tests;

/// <summary>
/// The central office's page in headless Chromium (Debian's package), driven by <c>tests/browser/office-page.mjs</c>.
/// Fails, never skips, when there is no browser or the npm install fails: a page test that silently skips proves nothing.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_shows_the_teams_sorts_them_and_shows_a_new_alert_within_seconds()
    {
        await EnsureChromium();
        var browserDirectory = Path.Combine(Repository.Root, "tests", "browser");
        await EnsureNpmInstall(browserDirectory);

        await using var host = await OfficeHost.Start();
        var app = host.App();
        var bow = await Team(app, "Bow East", nurses: 4, clients: 5);
        var poplar = await Team(app, "Poplar Riverside", nurses: 5, clients: 2);
        var mileEnd = await Team(app, "Mile End", nurses: 4, clients: 0);
        foreach (var (id, clients) in new[] { (bow, 5), (poplar, 2), (mileEnd, 0) })
            await host.Eventually(id, f => f.Caseload == clients && f.Alerts.Count == 0, $"team {id} seeded");

        var screenshot = Path.Combine(Repository.Root, "tests", "browser", "screenshots", "central-office.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var start = new ProcessStartInfo("node", ["office-page.mjs"])
        {
            WorkingDirectory = browserDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["OFFICE_URL"] = host.PageUrl,
                ["OFFICE_TOKEN"] = host.Mint(OfficeHost.OfficeCaller),
                ["EXPECT_TEAMS"] = "Bow East|Poplar Riverside|Mile End",
                ["ALERT_TEAM_ID"] = mileEnd,
                ["ALERT_KIND"] = "BELOW_SAFE_STAFFING",
                ["SCREENSHOT"] = screenshot,
                ["CHROMIUM"] = Chromium,
            },
        };
        using var node = Process.Start(start)!;
        var log = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (log) log.AppendLine(line.Data);
            if (line.Data == "READY") ready.TrySetResult();
        };
        node.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.AppendLine(line.Data); };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exited = node.WaitForExitAsync(deadline.Token);
        if (await Task.WhenAny(ready.Task, exited) == ready.Task)
        {
            // The change that causes the alert, through the gRPC API: a member of Mile End leaves, leaving three.
            var team = await app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = mileEnd });
            await app.Teams.LeaveTeamAsync(new LeaveTeamRequest { RequestId = TeamApp.NewRequest(), TeamId = mileEnd, NurseId = team.Team.Members[0].NurseId });
        }
        try
        {
            await exited;
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
        }
        await node.WaitForExitAsync();
        string text;
        lock (log) text = log.ToString();
        output.WriteLine(text);
        output.WriteLine($"Screenshot: {screenshot}");
        Assert.True(node.ExitCode == 0, $"The page test failed (exit {node.ExitCode}):\n{text}");
        Assert.True(File.Exists(screenshot), $"No screenshot at {screenshot}");
    }

    private static async Task<string> Team(TeamApp app, string name, int nurses, int clients)
    {
        var applied = await app.Teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = TeamApp.NewRequest(), Name = name, Footprint = { "E3 2", "E3 3" } });
        var id = applied.Team.TeamId;
        await app.Teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = TeamApp.NewRequest(), TeamId = id });
        for (var i = 0; i < nurses; i++) await app.Join(id, await app.RegisterNurse());
        for (var i = 0; i < clients; i++) await app.Admitted(id);
        return id;
    }

    private static async Task EnsureChromium()
    {
        if (File.Exists(Chromium)) return;
        // As .ci/run does: Debian's package. Without it (no root, no network), the test fails with apt's answer.
        var install = await Run("apt-get", ["install", "-y", "-qq", "chromium"], Repository.Root, TimeSpan.FromMinutes(10),
            ("DEBIAN_FRONTEND", "noninteractive"));
        if (!File.Exists(Chromium))
        {
            var update = await Run("apt-get", ["update", "-qq"], Repository.Root, TimeSpan.FromMinutes(5));
            install = await Run("apt-get", ["install", "-y", "-qq", "chromium"], Repository.Root, TimeSpan.FromMinutes(10),
                ("DEBIAN_FRONTEND", "noninteractive"));
            Assert.True(File.Exists(Chromium), $"No browser at {Chromium}, and installing Debian's chromium failed:\n{update}\n{install}");
        }
    }

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private static async Task EnsureNpmInstall(string directory)
    {
        await InstallGate.WaitAsync();
        try
        {
            var installed = new FileInfo(Path.Combine(directory, "node_modules", ".package-lock.json"));
            var locked = new FileInfo(Path.Combine(directory, "package-lock.json"));
            if (installed.Exists && installed.LastWriteTimeUtc >= locked.LastWriteTimeUtc) return;
            var result = await Run("npm", ["ci", "--no-audit", "--no-fund"], directory, TimeSpan.FromMinutes(5));
            Assert.True(result.StartsWith("exit 0", StringComparison.Ordinal), $"npm ci in {directory} failed:\n{result}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<string> Run(string program, string[] arguments, string directory, TimeSpan timeout, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(deadline.Token);
            return $"exit {process.ExitCode}: {program} {string.Join(' ', arguments)}\n{await stdout}\n{await stderr}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return $"could not run {program}: {e.Message}";
        }
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Buurtzorg.Grains.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Buurtzorg.Grains.sln.");
    }
}
