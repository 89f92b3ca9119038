using System.Text.Json.Nodes;
using Buurtzorg.Deployment.Tests.Manifests;
using Buurtzorg.Deployment.Tests.Tooling;

namespace Buurtzorg.Deployment.Tests;

/// <summary>Every kustomization operators apply renders, validates against the Kubernetes API, and keeps the rules.</summary>
[Collection(DeploymentTooling.Collection)]
public sealed class ManifestTests(DeploymentTooling tooling)
{
    public static TheoryData<string> Kustomizations => ["k8s/overlays/dev", "k8s/overlays/production", "k8s/overlays/production/migration"];

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Every_kustomization_renders_and_every_object_validates_against_the_Kubernetes_API_schemas(string kustomization)
    {
        var rendered = await tooling.RenderAsync(Repository.Path(kustomization));

        Assert.True(rendered.Failure is null, rendered.Failure);
        Assert.NotEmpty(rendered.Objects);
        Assert.True(rendered.SchemaProblems.Count == 0, $"{kustomization}:\n{string.Join("\n", rendered.SchemaProblems)}");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Every_kustomization_keeps_the_rules_for_running_rolling_and_scaling_silos(string kustomization)
    {
        var rendered = await tooling.RenderAsync(Repository.Path(kustomization));
        Assert.True(rendered.Failure is null, rendered.Failure);

        var broken = await ManifestRules.CheckAsync(rendered, await SecretTemplates(tooling, Repository.Path("k8s")));

        Assert.True(broken.Count == 0, $"{kustomization} breaks {broken.Count} rule(s):\n{string.Join("\n", broken)}");
    }

    [Fact]
    public async Task Dev_brings_its_own_PostgreSQL_with_a_volume_and_runs_the_migration_as_a_Job()
    {
        var dev = await tooling.RenderAsync(Repository.Path("k8s", "overlays", "dev"));

        var postgres = dev.Find("StatefulSet", "postgres");
        Assert.NotNull(postgres);
        Assert.Equal(1, postgres.At("spec", "replicas")?.GetValue<int>());
        Assert.Contains(postgres.At("spec", "volumeClaimTemplates").Objects(), claim => claim.Name() == "data");
        Assert.NotNull(dev.Find("Service", "postgres"));
        var migrate = Assert.Single(dev.PodTemplates, p => p.Owner.Text("kind") == "Job" && p.Owner.Name() == "buurtzorg-migrate");
        Assert.Equal(["migrate"], migrate.Containers.Single().At("args").AsStrings());
        // The silos and the Job read the Secret kustomize generated for the dev database, under its hashed name.
        var secret = Assert.Single(dev.OfKind("Secret"), s => s.Name()!.StartsWith("buurtzorg-secrets-", StringComparison.Ordinal));
        Assert.All(dev.PodTemplates.Where(p => p.Owner.Name() is "buurtzorg-silo" or "buurtzorg-migrate"), pod =>
            Assert.All(SecretReferences(pod), name => Assert.Equal(secret.Name(), name)));
    }

    [Fact]
    public async Task Production_expects_a_managed_PostgreSQL_and_migrates_on_its_own_before_the_rollout()
    {
        var production = await tooling.RenderAsync(Repository.Path("k8s", "overlays", "production"));
        var migration = await tooling.RenderAsync(Repository.Path("k8s", "overlays", "production", "migration"));

        Assert.Empty(production.OfKind("StatefulSet"));
        Assert.Empty(production.OfKind("Job"));
        Assert.Empty(production.OfKind("Secret")); // the operator's, from the template
        Assert.Equal(["Job/buurtzorg-migrate", "ServiceAccount/buurtzorg-migrate"],
            migration.Objects.Select(o => $"{o.Text("kind")}/{o.Name()}").Order());
        // One release: the Job migrates for exactly the image that rolls out after it.
        var silosImage = production.PodTemplates.Single().Containers.Single().Text("image");
        var jobImage = migration.PodTemplates.Single().Containers.Single().Text("image");
        Assert.Equal(silosImage, jobImage);
        Assert.Contains(":", silosImage);
    }

    [Fact]
    public async Task The_secret_template_validates_holds_only_placeholders_and_is_never_applied_by_kustomize()
    {
        var template = await tooling.ValidateAsync(Repository.Path("k8s", "base", "secret.template.yaml"));

        Assert.True(template.SchemaProblems.Count == 0, string.Join("\n", template.SchemaProblems));
        var secret = Assert.Single(template.Objects);
        Assert.Null(secret.At("data"));
        Assert.All(secret.At("stringData")!.AsObject(), entry => Assert.Matches("<[^>]+>", entry.Value!.GetValue<string>()));
        var baseKustomization = await File.ReadAllTextAsync(Repository.Path("k8s", "base", "kustomization.yaml"));
        Assert.DoesNotContain("  - secret.template.yaml", baseKustomization, StringComparison.Ordinal);
    }

    /// <summary>The Secret templates of a k8s/ tree: what the operator creates where the render has no Secret.</summary>
    public static async Task<IReadOnlyList<JsonObject>> SecretTemplates(DeploymentTooling tooling, string k8s) =>
        (await tooling.ValidateAsync(Path.Combine(k8s, "base", "secret.template.yaml"))).Objects;

    private static IEnumerable<string?> SecretReferences(PodTemplate pod) =>
        pod.Containers.SelectMany(c => c.At("env").Objects()).Select(e => e.Text("valueFrom", "secretKeyRef", "name")).Where(n => n is not null);
}
