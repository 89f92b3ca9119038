using System.Globalization;
using System.Text.Json.Nodes;
using Buurtzorg.Silo.Probes;
using Buurtzorg.Storage;

namespace Buurtzorg.Deployment.Tests.Manifests;

/// <summary>
/// The rules a render must keep for the silos to run, roll and scale safely, each broken rule one sentence naming the
/// object. The host side of every rule comes from <see cref="HostContract"/>, read from the host built with the silo
/// container's own environment.
/// </summary>
public static class ManifestRules
{
    public const string SiloDeployment = "buurtzorg-silo";
    public const string SiloContainer = "silo";

    /// <summary>The names the silo container gives its ports; <see cref="Ports"/> says which host port each must be.</summary>
    private static readonly string[] PortNames = ["grpc", "http", "silo", "gateway"];

    /// <summary>
    /// Checks a render. Secrets the pods refer to must be in the render or, where the operator makes them, in
    /// <paramref name="secretTemplates"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(RenderedManifests manifests, IReadOnlyList<JsonObject> secretTemplates)
    {
        var broken = new List<string>();
        var pods = manifests.PodTemplates.ToList();
        broken.AddRange(pods.SelectMany(Hardened));
        broken.AddRange(pods.SelectMany(Resourced));
        broken.AddRange(pods.SelectMany(SelectedByOwnSelector));
        broken.AddRange(ServicesReachPods(manifests, pods));
        broken.AddRange(LeastPrivilege(manifests, pods));
        broken.AddRange(SecretsExist(manifests, pods, secretTemplates));

        var silo = pods.FirstOrDefault(p => p.Owner.Text("kind") == "Deployment" && p.Owner.Name() == SiloDeployment);
        if (silo is null)
        {
            // A render with no Deployment at all (the migration on its own) has no silos to check.
            if (manifests.OfKind("Deployment").Any()) broken.Add($"Deployment/{SiloDeployment} is missing.");
            return broken;
        }
        var container = silo.Spec.At("containers").Objects().FirstOrDefault(c => c.Text("name") == SiloContainer);
        if (container is null)
        {
            broken.Add($"{silo.Where}: no container named '{SiloContainer}'.");
            return broken;
        }

        var host = await HostContract.ReadAsync(Environment(container, manifests, secretTemplates));
        broken.AddRange(Rollout(silo));
        broken.AddRange(SiloConfiguration(silo, container, host));
        broken.AddRange(Probes(silo, container, host));
        broken.AddRange(Ports(silo, container, host));
        broken.AddRange(Scaling(manifests, silo));
        broken.AddRange(Connections(manifests, silo, container, host));
        broken.AddRange(SiloPortsOnlyFromSilos(manifests, silo, host));
        return broken;
    }

    private static IEnumerable<string> Hardened(PodTemplate pod)
    {
        var podSecurity = pod.Spec.At("securityContext");
        if (podSecurity.At("runAsNonRoot")?.GetValue<bool>() != true) yield return $"{pod.Where}: the pod does not set runAsNonRoot: true.";
        if (podSecurity.At("runAsUser")?.GetValue<long>() == 0) yield return $"{pod.Where}: the pod runs as user 0 (root).";
        if (podSecurity.Text("seccompProfile", "type") is not ("RuntimeDefault" or "Localhost")) yield return $"{pod.Where}: no seccomp profile.";
        foreach (var container in pod.Containers)
        {
            var where = $"{pod.Where} container {container.Text("name")}";
            var security = container.At("securityContext");
            if (security.At("runAsUser")?.GetValue<long>() == 0) yield return $"{where} runs as user 0 (root).";
            if (security.At("allowPrivilegeEscalation")?.GetValue<bool>() != false) yield return $"{where} does not set allowPrivilegeEscalation: false.";
            if (security.At("readOnlyRootFilesystem")?.GetValue<bool>() != true) yield return $"{where} does not set readOnlyRootFilesystem: true.";
            if (security.At("privileged")?.GetValue<bool>() == true) yield return $"{where} is privileged.";
            if (!(security.At("capabilities", "drop")?.AsArray().Any(c => c?.GetValue<string>() == "ALL") ?? false)) yield return $"{where} does not drop ALL capabilities.";
            if (!(security.At("capabilities", "add")?.AsArray().Count is null or 0)) yield return $"{where} adds capabilities.";
            // .NET (diagnostics, temporary files) and PostgreSQL need a writable /tmp under a read-only root.
            var tmp = container.At("volumeMounts").Objects().FirstOrDefault(m => m.Text("mountPath") == "/tmp");
            var volume = pod.Spec.At("volumes").Objects().FirstOrDefault(v => v.Text("name") == tmp.Text("name"));
            if (tmp is null || volume?.At("emptyDir") is null) yield return $"{where} has no emptyDir mounted at /tmp.";
        }
    }

    private static IEnumerable<string> Resourced(PodTemplate pod)
    {
        foreach (var container in pod.Containers)
        {
            var where = $"{pod.Where} container {container.Text("name")}";
            foreach (var (kind, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
            {
                if (container.At("resources", kind, resource) is null)
                    yield return $"{where} sets no {resource} {kind}.";
            }
        }
    }

    private static IEnumerable<string> SelectedByOwnSelector(PodTemplate pod)
    {
        if (pod.Owner.Text("kind") is "Job" or "Pod") yield break; // a Job's selector is generated
        var selector = pod.Owner.At("spec", "selector", "matchLabels").StringMap();
        if (!pod.IsSelectedBy(selector))
            yield return $"{pod.Where}: its selector {Show(selector)} does not match its pod labels {Show(pod.Labels)}.";
    }

    private static IEnumerable<string> ServicesReachPods(RenderedManifests manifests, List<PodTemplate> pods)
    {
        foreach (var service in manifests.OfKind("Service"))
        {
            var where = $"Service/{service.Name()}";
            var selector = service.At("spec", "selector").StringMap();
            var selected = pods.Where(p => p.IsSelectedBy(selector)).ToList();
            if (selected.Count == 0)
            {
                yield return $"{where}: its selector {Show(selector)} matches no pod.";
                continue;
            }
            foreach (var port in service.At("spec", "ports").Objects())
            {
                var target = port.At("targetPort") ?? port.At("port");
                if (selected.Any(p => p.ResolvePort(target) is null || !p.Containers.SelectMany(c => c.At("ports").Objects()).Any(cp => cp.At("containerPort")?.GetValue<int>() == p.ResolvePort(target))))
                    yield return $"{where}: port {port.Text("name")} targets {target}, which a selected pod does not expose.";
            }
        }
        foreach (var (kind, path) in new[] { ("PodDisruptionBudget", new[] { "spec", "selector", "matchLabels" }), ("NetworkPolicy", ["spec", "podSelector", "matchLabels"]) })
        {
            foreach (var o in manifests.OfKind(kind))
            {
                var selector = o.At(path).StringMap();
                if (!pods.Any(p => p.IsSelectedBy(selector))) yield return $"{kind}/{o.Name()}: its selector {Show(selector)} matches no pod.";
            }
        }
        foreach (var policy in manifests.OfKind("NetworkPolicy"))
        {
            foreach (var from in policy.At("spec", "ingress").Objects().SelectMany(r => r.At("from").Objects()))
            {
                var selector = from.At("podSelector", "matchLabels").StringMap();
                if (from.At("podSelector") is not null && !pods.Any(p => p.IsSelectedBy(selector)))
                    yield return $"NetworkPolicy/{policy.Name()}: it lets in pods {Show(selector)}, and there are none.";
            }
        }
        foreach (var hpa in manifests.OfKind("HorizontalPodAutoscaler"))
        {
            if (manifests.Find(hpa.Text("spec", "scaleTargetRef", "kind") ?? "", hpa.Text("spec", "scaleTargetRef", "name") ?? "") is null)
                yield return $"HorizontalPodAutoscaler/{hpa.Name()}: it scales {hpa.Text("spec", "scaleTargetRef", "kind")}/{hpa.Text("spec", "scaleTargetRef", "name")}, which is not there.";
        }
    }

    /// <summary>Nothing here calls the Kubernetes API (membership is in PostgreSQL), so nothing gets a token or a role.</summary>
    private static IEnumerable<string> LeastPrivilege(RenderedManifests manifests, List<PodTemplate> pods)
    {
        foreach (var kind in new[] { "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding" })
        {
            foreach (var o in manifests.OfKind(kind))
                yield return $"{kind}/{o.Name()}: no component calls the Kubernetes API, so no role or binding is needed.";
        }
        foreach (var account in manifests.OfKind("ServiceAccount"))
        {
            if (account.At("automountServiceAccountToken")?.GetValue<bool>() != false)
                yield return $"ServiceAccount/{account.Name()}: it does not set automountServiceAccountToken: false.";
        }
        foreach (var pod in pods)
        {
            if (pod.Spec.At("automountServiceAccountToken")?.GetValue<bool>() != false)
                yield return $"{pod.Where}: the pod does not set automountServiceAccountToken: false.";
            if (pod.Spec.Text("serviceAccountName") is { } name && manifests.Find("ServiceAccount", name) is null)
                yield return $"{pod.Where}: it runs as ServiceAccount {name}, which the render does not make.";
        }
    }

    private static IEnumerable<string> SecretsExist(RenderedManifests manifests, List<PodTemplate> pods, IReadOnlyList<JsonObject> templates)
    {
        foreach (var pod in pods)
        {
            foreach (var reference in pod.Containers.SelectMany(c => c.At("env").Objects()).Select(e => e.At("valueFrom", "secretKeyRef")).OfType<JsonObject>())
            {
                var (name, key) = (reference.Text("name"), reference.Text("key"));
                var secret = manifests.Find("Secret", name ?? "") ?? templates.FirstOrDefault(t => t.Name() == name);
                if (secret is null) yield return $"{pod.Where}: it reads Secret {name}, which is neither rendered nor in the Secret template.";
                else if (secret.At("data", key ?? "") is null && secret.At("stringData", key ?? "") is null)
                    yield return $"{pod.Where}: it reads key {key} of Secret {name}, which has no such key.";
            }
        }
    }

    private static IEnumerable<string> Rollout(PodTemplate silo)
    {
        var spec = silo.Owner.At("spec");
        // Where an autoscaler owns the count the Deployment leaves it out (Scaling checks the autoscaler's minimum).
        if (spec.At("replicas") is { } replicas && replicas.GetValue<int>() < 3) yield return $"{silo.Where}: fewer than 3 replicas.";
        if (spec.Text("strategy", "type") is not (null or "RollingUpdate")) yield return $"{silo.Where}: not a rolling update.";
        if (spec.At("strategy", "rollingUpdate", "maxUnavailable")?.ToString() is not "0")
            yield return $"{silo.Where}: rollingUpdate.maxUnavailable is not 0, so a rollout may run with fewer silos than asked for.";
        var antiAffinity = silo.Spec.At("affinity", "podAntiAffinity");
        var terms = antiAffinity.At("preferredDuringSchedulingIgnoredDuringExecution").Objects().Select(t => t.At("podAffinityTerm"))
            .Concat(antiAffinity.At("requiredDuringSchedulingIgnoredDuringExecution").Objects());
        if (!terms.Any(t => t.Text("topologyKey") == "kubernetes.io/hostname" && silo.IsSelectedBy(t.At("labelSelector", "matchLabels").StringMap())))
            yield return $"{silo.Where}: no pod anti-affinity spreading its own pods across nodes (kubernetes.io/hostname).";
    }

    private static IEnumerable<string> SiloConfiguration(PodTemplate silo, JsonObject container, HostContract host)
    {
        var env = container.At("env").Objects().ToDictionary(e => e.Text("name") ?? "", e => e, StringComparer.Ordinal);
        foreach (var (variable, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
        {
            if (env.GetValueOrDefault(variable).Text("valueFrom", "fieldRef", "fieldPath") != field)
                yield return $"{silo.Where}: {variable} does not come from the downward API's {field}.";
        }
        foreach (var variable in new[] { "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" })
        {
            if (env.GetValueOrDefault(variable).Text("value") is not { Length: > 0 }) yield return $"{silo.Where}: {variable} is not set.";
        }
        if (host.SiloName != PodStandIns.Name) yield return $"{silo.Where}: the host would not name its silo after the pod (it says {host.SiloName}).";
        if (host.AdvertisedAddress != PodStandIns.Ip) yield return $"{silo.Where}: the host would advertise {host.AdvertisedAddress}, not the pod's IP.";
        if (!host.SiloListensOnAllAddresses) yield return $"{silo.Where}: the host's silo and gateway would not listen on every address of the pod.";
        if (!host.ServesOnAllAddresses) yield return $"{silo.Where}: the host would serve on {string.Join(";", host.Urls)}, not on every address of the pod.";
        if (!host.IsDurable) yield return $"{silo.Where}: the host would start in embedded mode (no PostgreSQL connection string).";
        if (host.UsesDevelopmentKeys) yield return $"{silo.Where}: no token signing keys: the host would make a development key on its read-only disk.";

        var grace = silo.Spec.At("terminationGracePeriodSeconds")?.GetValue<int>() ?? 30;
        if (TimeSpan.FromSeconds(grace) <= host.ShutdownTimeout)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{silo.Where}: terminationGracePeriodSeconds {grace} is not longer than the host's shutdown timeout ({host.ShutdownTimeout.TotalSeconds} s), so the kubelet would kill a draining silo.");
    }

    private static IEnumerable<string> Probes(PodTemplate silo, JsonObject container, HostContract host)
    {
        // The startup probe asks only whether the process is up and answering (liveness): a silo waiting for its
        // database has not joined, and must not be restarted for it (Kubernetes restarts a pod whose startup probe fails).
        foreach (var (probe, path) in new[] { ("startupProbe", SiloProbes.LivenessPath), ("readinessProbe", SiloProbes.ReadinessPath), ("livenessProbe", SiloProbes.LivenessPath) })
        {
            var get = container.At(probe, "httpGet");
            if (get is null)
            {
                yield return $"{silo.Where}: no {probe} with httpGet.";
                continue;
            }
            var actualPath = get.Text("path");
            if (actualPath is null || !host.Paths.Contains(actualPath))
                yield return $"{silo.Where}: {probe} asks for {actualPath}, a path the host does not serve.";
            else if (actualPath != path)
                yield return $"{silo.Where}: {probe} asks for {actualPath}, which answers another probe's question ({path} answers this one).";
            var port = silo.ResolvePort(get.At("port"));
            if (port is null || port != host.ProbePort)
                yield return $"{silo.Where}: {probe} goes to port {get.At("port")} ({port?.ToString(CultureInfo.InvariantCulture) ?? "no such port"}), but the host serves probes on {host.ProbePort?.ToString(CultureInfo.InvariantCulture) ?? "no HTTP/1.1 port"}.";
        }
    }

    private static IEnumerable<string> Ports(PodTemplate silo, JsonObject container, HostContract host)
    {
        var declared = container.At("ports").Objects().ToDictionary(p => p.Text("name") ?? "", p => p.At("containerPort")!.GetValue<int>(), StringComparer.Ordinal);
        var expected = new Dictionary<string, int?>(StringComparer.Ordinal)
        {
            ["grpc"] = host.GrpcPorts.Count == 1 ? host.GrpcPorts[0] : null,
            ["http"] = host.ProbePort,
            ["silo"] = host.SiloPort,
            ["gateway"] = host.GatewayPort,
        };
        foreach (var name in PortNames)
        {
            if (!declared.TryGetValue(name, out var port)) yield return $"{silo.Where}: no container port named {name}.";
            else if (port != expected[name]) yield return $"{silo.Where}: container port {name} is {port}, but the host listens for it on {expected[name]?.ToString(CultureInfo.InvariantCulture) ?? "no single port"} ({host}).";
        }
        foreach (var (name, port) in declared.Where(d => !host.Ports.Contains(d.Value)))
            yield return $"{silo.Where}: container port {name} ({port}) is not a port the host listens on.";
        foreach (var port in host.Ports.Where(p => !declared.ContainsValue(p)))
            yield return $"{silo.Where}: the host listens on {port}, which no container port declares.";
    }

    private static IEnumerable<string> Scaling(RenderedManifests manifests, PodTemplate silo)
    {
        if (!manifests.OfKind("PodDisruptionBudget").Any(p => silo.IsSelectedBy(p.At("spec", "selector", "matchLabels").StringMap())))
            yield return $"{silo.Where}: no PodDisruptionBudget covers the silos.";
        var hpa = manifests.OfKind("HorizontalPodAutoscaler").FirstOrDefault(h => h.Text("spec", "scaleTargetRef", "name") == silo.Owner.Name());
        if (hpa is null)
        {
            yield return $"{silo.Where}: no HorizontalPodAutoscaler scales the silos.";
            yield break;
        }
        if (!hpa.At("spec", "metrics").Objects().Any(m => m.Text("resource", "name") == "cpu"))
            yield return $"HorizontalPodAutoscaler/{hpa.Name()}: it does not scale on CPU.";
        if (hpa.At("spec", "minReplicas")?.GetValue<int>() is not >= 3)
            yield return $"HorizontalPodAutoscaler/{hpa.Name()}: it may scale below 3 silos.";
    }

    /// <summary>
    /// Every silo there can ever be at once (the autoscaler's maximum, or the replica count, plus a rollout's surge)
    /// times each one's pool, plus <see cref="PostgresPool.ReservedConnections"/>, fits in the <c>max_connections</c> the
    /// silos say they were sized for (<c>Postgres__MaxConnections</c>); a PostgreSQL the render brings allows that many.
    /// </summary>
    private static IEnumerable<string> Connections(RenderedManifests manifests, PodTemplate silo, JsonObject container, HostContract host)
    {
        if (host.MaxPoolSize is not { } pool) yield break; // embedded: SiloConfiguration says so
        var sizedFor = container.At("env").Objects().FirstOrDefault(e => e.Text("name") == "Postgres__MaxConnections").Text("value");
        if (!int.TryParse(sizedFor, CultureInfo.InvariantCulture, out var maxConnections))
        {
            yield return $"{silo.Where}: Postgres__MaxConnections does not say which PostgreSQL max_connections the silos were sized for.";
            yield break;
        }
        var hpa = manifests.OfKind("HorizontalPodAutoscaler").FirstOrDefault(h => h.Text("spec", "scaleTargetRef", "name") == silo.Owner.Name());
        var most = hpa?.At("spec", "maxReplicas")?.GetValue<int>() ?? silo.Owner.At("spec", "replicas")?.GetValue<int>() ?? 1;
        var surge = silo.Owner.At("spec", "strategy", "rollingUpdate", "maxSurge");
        var extra = surge is null ? (int)Math.Ceiling(most * 0.25) // Kubernetes' default: 25 %, rounded up
            : surge.GetValueKind() == System.Text.Json.JsonValueKind.Number ? surge.GetValue<int>()
            : (int)Math.Ceiling(most * int.Parse(surge.GetValue<string>().TrimEnd('%'), CultureInfo.InvariantCulture) / 100.0);
        var needed = ((most + extra) * pool) + PostgresPool.ReservedConnections;
        if (needed > maxConnections)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{silo.Where}: up to {most + extra} silos × {pool} connections + {PostgresPool.ReservedConnections} reserved = {needed}, more than the max_connections of {maxConnections} they were sized for.");
        }
        foreach (var postgres in manifests.PodTemplates.Where(p => p.Owner.Name() == "postgres"))
        {
            var args = postgres.Containers.SelectMany(c => c.At("args").AsStrings()).ToList();
            var setting = args.Select(a => a.Split('=', 2)).FirstOrDefault(a => a.Length == 2 && a[0] == "max_connections");
            if (setting is null || !int.TryParse(setting[1], CultureInfo.InvariantCulture, out var allowed) || allowed < maxConnections)
                yield return $"{postgres.Where}: it does not allow the {maxConnections.ToString(CultureInfo.InvariantCulture)} connections the silos were sized for (args: -c max_connections=...).";
        }
    }

    private static IEnumerable<string> SiloPortsOnlyFromSilos(RenderedManifests manifests, PodTemplate silo, HostContract host)
    {
        var policies = manifests.OfKind("NetworkPolicy").Where(p => silo.IsSelectedBy(p.At("spec", "podSelector", "matchLabels").StringMap())).ToList();
        if (policies.Count == 0)
        {
            yield return $"{silo.Where}: no NetworkPolicy guards the silos' ports.";
            yield break;
        }
        var siloSelector = silo.Owner.At("spec", "selector", "matchLabels").StringMap();
        foreach (var policy in policies)
        {
            foreach (var rule in policy.At("spec", "ingress").Objects())
            {
                var ports = rule.At("ports").Objects().Select(p => silo.ResolvePort(p.At("port"))).ToList();
                var opensSiloPorts = ports.Count == 0 || ports.Contains(host.SiloPort) || ports.Contains(host.GatewayPort);
                // Only silos: every source is a pod selector in this namespace at least as narrow as the silos' own.
                var sources = rule.At("from").Objects().ToList();
                var onlySilos = sources.Count > 0 && sources.All(from =>
                    from.At("namespaceSelector") is null && from.At("ipBlock") is null
                    && siloSelector.All(label => from.At("podSelector", "matchLabels").StringMap().GetValueOrDefault(label.Key) == label.Value));
                if (opensSiloPorts && !onlySilos)
                    yield return $"NetworkPolicy/{policy.Name()}: it opens the silo or gateway port to more than the silos.";
            }
        }
    }

    /// <summary>
    /// The silo container's environment as the kubelet would hand it over: literal values as they are, the downward
    /// API and Secrets by stand-ins of the right shape (the rules above check where they come from).
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Environment(JsonObject container, RenderedManifests manifests, IReadOnlyList<JsonObject> templates)
    {
        foreach (var variable in container.At("env").Objects())
        {
            var name = variable.Text("name")!;
            var value = variable.Text("value")
                ?? variable.Text("valueFrom", "fieldRef", "fieldPath") switch
                {
                    "metadata.name" => PodStandIns.Name,
                    "metadata.namespace" => PodStandIns.Namespace,
                    "status.podIP" => PodStandIns.Ip,
                    _ => null,
                }
                ?? (variable.Text("valueFrom", "secretKeyRef", "key") is { } key ? PodStandIns.Secret(key) : null);
            if (value is not null) yield return new(name, value);
        }
    }

    private static string Show(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "{}" : "{" + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}")) + "}";
}

/// <summary>Values of the right shape for what only a running cluster knows.</summary>
public static class PodStandIns
{
    public const string Name = "buurtzorg-silo-5d8f7c9b6-x2x7q";
    public const string Namespace = "buurtzorg";
    public const string Ip = "10.244.3.17";

    /// <summary>A connection string for a connection-string key, 32 bytes of base64 for a key, a word for the rest.</summary>
    public static string Secret(string key) =>
        key.Contains("connection-string", StringComparison.Ordinal) ? "Host=postgres.invalid;Database=buurtzorg;Username=buurtzorg;Password=stand-in"
        : key.EndsWith("-key", StringComparison.Ordinal) ? Convert.ToBase64String(new byte[32])
        : "stand-in";
}
