using System.Text.Json.Nodes;

namespace Buurtzorg.Deployment.Tests.Manifests;

/// <summary>
/// The objects a kustomization renders to, as JSON, with what the schema check found wrong with them
/// (<see cref="SchemaProblems"/>) — or why nothing could be rendered at all (<see cref="Failure"/>).
/// </summary>
public sealed record RenderedManifests(IReadOnlyList<JsonObject> Objects, IReadOnlyList<string> SchemaProblems, string? Failure = null)
{
    public static RenderedManifests Failed(string why) => new([], [], why);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o.Text("kind") == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Name() == name);

    /// <summary>Every pod this render would make, by its owner: Deployments, StatefulSets, Jobs and bare Pods.</summary>
    public IEnumerable<PodTemplate> PodTemplates =>
        Objects.SelectMany(o => o.Text("kind") switch
        {
            "Deployment" or "StatefulSet" or "DaemonSet" or "Job" => [new PodTemplate(o, o.At("spec", "template")?.AsObject() ?? [])],
            "Pod" => [new PodTemplate(o, o)],
            _ => Array.Empty<PodTemplate>(),
        });

    public override string ToString() =>
        Failure ?? $"{Objects.Count} objects: {string.Join(", ", Objects.Select(o => $"{o.Text("kind")}/{o.Name()}"))}";
}

/// <summary>A pod template and the object that owns it.</summary>
public sealed record PodTemplate(JsonObject Owner, JsonObject Template)
{
    public string Where => $"{Owner.Text("kind")}/{Owner.Name()}";

    public IReadOnlyDictionary<string, string> Labels => Template.At("metadata", "labels").StringMap();

    public JsonObject Spec => Template.At("spec")?.AsObject() ?? [];

    public IEnumerable<JsonObject> Containers =>
        (Spec.At("initContainers")?.AsArray() ?? []).Concat(Spec.At("containers")?.AsArray() ?? []).Select(c => c!.AsObject());

    /// <summary>The port number a probe or Service names, by name or number, among this pod's container ports.</summary>
    public int? ResolvePort(JsonNode? port)
    {
        if (port is null) return null;
        var ports = Containers.SelectMany(c => c.At("ports")?.AsArray() ?? []).Select(p => p!.AsObject());
        if (port.GetValueKind() == System.Text.Json.JsonValueKind.Number) return port.GetValue<int>();
        var name = port.GetValue<string>();
        return ports.FirstOrDefault(p => p.Text("name") == name)?.At("containerPort")?.GetValue<int>();
    }

    public bool IsSelectedBy(IReadOnlyDictionary<string, string> selector) =>
        selector.Count > 0 && selector.All(pair => Labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}

/// <summary>Reading JSON objects without a null check at every step.</summary>
public static class Json
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(step, out node)) return null;
        }
        return node;
    }

    public static string? Text(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string? Name(this JsonNode? node) => node.Text("metadata", "name");

    public static IReadOnlyDictionary<string, string> StringMap(this JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") : new Dictionary<string, string>();

    public static IReadOnlyList<string> AsStrings(this JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(item => item?.GetValue<string>() ?? "")] : [];

    public static IEnumerable<JsonObject> Objects(this JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>() : [];
}
