using System.Text.Json;

namespace Buurtzorg.Grains;

/// <summary>
/// How the domain's records are written as JSON: on the wire between grains and at rest (journal entries, snapshots),
/// so the grains and the storage that keeps their records share one format.
/// </summary>
public static class DomainJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // PostgreSQL's jsonb keeps keys in its own order, so a record entry's "$kind" need not come first.
        AllowOutOfOrderMetadataProperties = true,
    };
}
