using System.Text.Json.Nodes;
using Buurtzorg.Deployment.Tests.Manifests;

namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>
/// The tools the manifest checks run: <c>kubectl kustomize</c> (on the machine) to render, and the Node project in
/// <c>tests/deployment</c> (schema validation, Dockerfile lint), installed with <c>npm ci</c> once per test run when
/// its lock file is newer than what is installed. A tool that is missing fails the tests with the reason: a check that
/// silently skips proves nothing.
/// </summary>
public sealed class DeploymentTooling : IAsyncLifetime
{
    public const string Collection = "Deployment tooling";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(1);

    /// <summary><c>tests/deployment</c>: package.json, the lock file and validate.mjs.</summary>
    public string NodeProject { get; } = Repository.Path("tests", "deployment");

    public async Task InitializeAsync()
    {
        if (IsInstalled()) return;
        var install = await Programs.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], NodeProject, InstallTimeout);
        if (!install.Succeeded || !IsInstalled())
            throw new InvalidOperationException($"npm ci in {NodeProject} failed, so the manifests cannot be checked.\n{install}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Renders a kustomization (a folder) with <c>kubectl kustomize</c> and validates every object it makes.</summary>
    public async Task<RenderedManifests> RenderAsync(string kustomization)
    {
        var render = await Programs.RunAsync("kubectl", ["kustomize", kustomization], Repository.Root, ToolTimeout);
        if (!render.Succeeded) return RenderedManifests.Failed(render.ToString());

        var file = Path.Combine(Directory.CreateTempSubdirectory("buurtzorg-rendered-").FullName, "manifests.yaml");
        await File.WriteAllTextAsync(file, render.Output);
        try
        {
            return await ValidateAsync(file);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    /// <summary>Validates the objects in one YAML file against the Kubernetes API schemas (tests/deployment/validate.mjs).</summary>
    public async Task<RenderedManifests> ValidateAsync(string yamlFile)
    {
        var validate = await Programs.RunAsync("node", ["validate.mjs", yamlFile], NodeProject, ToolTimeout);
        if (!validate.Succeeded) return RenderedManifests.Failed(validate.ToString());
        var answer = JsonNode.Parse(validate.Output)!.AsObject();
        return new RenderedManifests(
            [.. answer["objects"]!.AsArray().Select(o => o!.AsObject())],
            [.. answer["problems"]!.AsArray().Select(p => p!.GetValue<string>())]);
    }

    /// <summary>Lints a Dockerfile with dockerfile-utils (the linter of the VS Code Docker extension).</summary>
    public Task<ProgramRun> LintDockerfileAsync(string dockerfile) =>
        Programs.RunAsync(Path.Combine(NodeProject, "node_modules", ".bin", "dockerfile-utils"), ["lint", dockerfile], Repository.Root, ToolTimeout);

    private bool IsInstalled()
    {
        var installed = new FileInfo(Path.Combine(NodeProject, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(NodeProject, "package-lock.json"));
        return installed.Exists && installed.LastWriteTimeUtc >= locked.LastWriteTimeUtc;
    }
}

/// <summary>Every test class in <see cref="DeploymentTooling.Collection"/> shares one install.</summary>
[CollectionDefinition(DeploymentTooling.Collection)]
public sealed class DeploymentToolingDefinition : ICollectionFixture<DeploymentTooling>;
