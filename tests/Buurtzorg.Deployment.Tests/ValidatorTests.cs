using Buurtzorg.Deployment.Tests.Manifests;
using Buurtzorg.Deployment.Tests.Tooling;

namespace Buurtzorg.Deployment.Tests;

/// <summary>
/// The checks themselves: a copy of k8s/ with one thing broken must fail, naming what broke. (The untouched manifests
/// passing is <see cref="ManifestTests"/>.)
/// </summary>
[Collection(DeploymentTooling.Collection)]
public sealed class ValidatorTests(DeploymentTooling tooling) : IDisposable
{
    private readonly List<string> _copies = [];

    public void Dispose()
    {
        foreach (var copy in _copies) Directory.Delete(copy, recursive: true);
    }

    [Fact]
    public async Task A_probe_path_the_host_does_not_serve_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml", "path: /health/ready", "path: /health/readyz");

        Assert.Contains(broken, b => b.Contains("readinessProbe asks for /health/readyz, a path the host does not serve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_container_port_the_host_does_not_listen_on_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml", "containerPort: 11111", "containerPort: 11112");

        Assert.Contains(broken, b => b.Contains("container port silo is 11112, but the host listens for it on 11111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_probe_port_that_is_not_the_host_probe_port_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml", "- name: Probes__Port\n              value: \"8080\"", "- name: Probes__Port\n              value: \"8081\"");

        Assert.Contains(broken, b => b.Contains("startupProbe goes to port http (8080), but the host serves probes on 8081", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.Contains("the host listens on 8081, which no container port declares", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pod_label_the_selectors_do_not_match_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml",
            "    metadata:\n      labels:\n        app.kubernetes.io/name: buurtzorg-silo",
            "    metadata:\n      labels:\n        app.kubernetes.io/name: buurtzorg-silos");

        Assert.Contains(broken, b => b.StartsWith("Deployment/buurtzorg-silo: its selector {app.kubernetes.io/name=buurtzorg-silo} does not match its pod labels", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.StartsWith("Service/buurtzorg: its selector {app.kubernetes.io/name=buurtzorg-silo} matches no pod", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.StartsWith("PodDisruptionBudget/buurtzorg-silo: its selector", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_grace_period_no_longer_than_the_host_shutdown_timeout_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml", "terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 45");

        Assert.Contains(broken, b => b.Contains("terminationGracePeriodSeconds 45 is not longer than the host's shutdown timeout (45 s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_silos_times_pool_than_PostgreSQL_allows_is_caught()
    {
        var broken = await BreakAndCheck("base/deployment.yaml", "- name: Postgres__MaxPoolSize\n              value: \"20\"", "- name: Postgres__MaxPoolSize\n              value: \"25\"");

        Assert.Contains(broken, b => b.Contains("up to 13 silos × 25 connections + 10 reserved = 335, more than the max_connections of 300", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_port_opened_to_every_pod_is_caught()
    {
        var broken = await BreakAndCheck("base/networkpolicy.yaml", "        - protocol: TCP\n          port: grpc", "        - protocol: TCP\n          port: silo");

        Assert.Contains(broken, b => b.Contains("NetworkPolicy/buurtzorg-silo: it opens the silo or gateway port to more than the silos", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_misspelt_field_fails_the_schema_check()
    {
        var k8s = CopyOfK8s();
        Break(Path.Combine(k8s, "base/deployment.yaml"), "          readinessProbe:", "          readinesProbe:");

        var rendered = await tooling.RenderAsync(Path.Combine(k8s, "overlays", "production"));

        Assert.Contains(rendered.SchemaProblems, p => p.Contains("/spec/template/spec/containers/0/readinesProbe is not a field of V1Container", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrongly_typed_value_fails_the_schema_check()
    {
        var k8s = CopyOfK8s();
        Break(Path.Combine(k8s, "base/deployment.yaml"), "containerPort: 30000", "containerPort: gateway");

        var rendered = await tooling.RenderAsync(Path.Combine(k8s, "overlays", "production"));

        Assert.Contains(rendered.SchemaProblems, p => p.Contains("/spec/template/spec/containers/0/ports/3/containerPort must be integer", StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> BreakAndCheck(string file, string good, string bad)
    {
        var k8s = CopyOfK8s();
        Break(Path.Combine(k8s, file), good, bad);
        var rendered = await tooling.RenderAsync(Path.Combine(k8s, "overlays", "production"));
        Assert.True(rendered.Failure is null, rendered.Failure);
        return await ManifestRules.CheckAsync(rendered, await ManifestTests.SecretTemplates(tooling, k8s));
    }

    /// <summary>Replaces text that must occur exactly once: a break that silently changed nothing would prove nothing.</summary>
    private static void Break(string file, string good, string bad)
    {
        var text = File.ReadAllText(file);
        Assert.Equal(1, text.Split(good).Length - 1);
        File.WriteAllText(file, text.Replace(good, bad, StringComparison.Ordinal));
    }

    private string CopyOfK8s()
    {
        var copy = Directory.CreateTempSubdirectory("buurtzorg-k8s-").FullName;
        _copies.Add(copy);
        foreach (var file in Directory.EnumerateFiles(Repository.Path("k8s"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Repository.Path("k8s"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}
