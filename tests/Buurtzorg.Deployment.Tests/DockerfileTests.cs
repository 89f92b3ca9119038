using System.Text.RegularExpressions;
using Buurtzorg.Deployment.Tests.Manifests;
using Buurtzorg.Deployment.Tests.Tooling;

namespace Buurtzorg.Deployment.Tests;

/// <summary>
/// The image, read without a Docker engine: lint, what the final stage runs and as whom, the ports it exposes against
/// the ports the host listens on with the image's own settings, and what the build context leaves out.
/// </summary>
[Collection(DeploymentTooling.Collection)]
public sealed partial class DockerfileTests(DeploymentTooling tooling)
{
    private static readonly string DockerfilePath = Repository.Path("Dockerfile");

    [Fact]
    public async Task The_Dockerfile_lints_clean()
    {
        var lint = await tooling.LintDockerfileAsync(DockerfilePath);

        Assert.True(lint.Succeeded && lint.Output.Trim().Length == 0, lint.ToString());
    }

    [Fact]
    public void The_build_stage_publishes_with_the_same_script_CI_runs_and_copies_no_tests()
    {
        var build = Stages().First();

        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.EndsWith("bash build/publish.sh /app", StringComparison.Ordinal));
        Assert.All(build.Instructions.Where(i => i.Keyword == "COPY"), copy =>
        {
            Assert.DoesNotContain("tests", copy.Arguments, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"(^|\s)\.\s", copy.Arguments); // not the whole context
        });
    }

    [Fact]
    public void The_final_image_holds_only_the_published_host_and_runs_it_as_a_non_root_user()
    {
        var final = Stages().Last();

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", final.Image, StringComparison.Ordinal);
        var copy = Assert.Single(final.Instructions, i => i.Keyword == "COPY");
        Assert.Equal("--from=build /app ./", copy.Arguments);
        var user = Assert.Single(final.Instructions, i => i.Keyword == "USER").Arguments;
        // $APP_UID is the runtime image's 'app' user, 1654: the UID the manifests' runAsUser names.
        Assert.True(user is "$APP_UID" or "1654" or "app", $"USER {user} is not the image's unprivileged user.");
        Assert.Equal("[\"dotnet\", \"Buurtzorg.Silo.dll\"]", Assert.Single(final.Instructions, i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    [Fact]
    public async Task The_image_exposes_exactly_the_ports_the_host_listens_on_with_the_image_settings()
    {
        var final = Stages().Last();
        var environment = final.Instructions.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        var exposed = final.Instructions.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Select(int.Parse).ToHashSet();

        // With a database and keys, as in a pod; the ports come from the image's own ENV and the host's defaults.
        var host = await HostContract.ReadAsync(environment.Append(new("ConnectionStrings__Buurtzorg", PodStandIns.Secret("postgres-connection-string"))));

        Assert.True(host.Ports.SetEquals(exposed), $"EXPOSE {string.Join(' ', exposed.Order())}, but the host listens on {string.Join(' ', host.Ports.Order())} ({host}).");
        Assert.True(host.ServesOnAllAddresses, $"In the image the host serves only on {string.Join(";", host.Urls)}.");
    }

    [Fact]
    public void The_build_context_leaves_out_local_output_tests_and_git()
    {
        var ignored = File.ReadAllLines(Repository.Path(".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "**/bin/", "**/obj/", "**/node_modules/", "tests/", ".git/" }, ignored);
    }

    private sealed record Instruction(string Keyword, string Arguments);

    private sealed record Stage(string Image, List<Instruction> Instructions);

    /// <summary>The Dockerfile's stages and their instructions, continuation lines joined, comments left out.</summary>
    private static List<Stage> Stages()
    {
        var logical = ContinuedLine().Replace(File.ReadAllText(DockerfilePath), " ");
        var stages = new List<Stage>();
        foreach (var line in logical.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', 2);
            var instruction = new Instruction(parts[0].ToUpperInvariant(), Spaces().Replace(parts.ElementAtOrDefault(1) ?? "", " ").Trim());
            if (instruction.Keyword == "FROM") stages.Add(new Stage(instruction.Arguments.Split(' ')[0], []));
            else stages.LastOrDefault()?.Instructions.Add(instruction);
        }
        Assert.True(stages.Count >= 2, "The Dockerfile is not multi-stage.");
        return stages;
    }

    [GeneratedRegex(@"\\\s*\n")]
    private static partial Regex ContinuedLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
