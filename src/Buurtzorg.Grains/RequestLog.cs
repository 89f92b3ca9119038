using System.Collections.Immutable;

namespace Buurtzorg.Grains;

/// <summary>
/// The request ids a grain has applied recently, so a retried write is recognised. Bounded: a retry comes within
/// minutes, not after a thousand further writes to the same grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.request-log")]
public sealed record RequestLog([property: Id(0)] ImmutableList<string> Recent)
{
    public const int Capacity = 1000;

    public static readonly RequestLog Empty = new(ImmutableList<string>.Empty);

    public bool Contains(string requestId) => Recent.Contains(requestId);

    public RequestLog Add(string requestId)
    {
        if (Contains(requestId)) return this;
        var recent = Recent.Add(requestId);
        return new RequestLog(recent.Count > Capacity ? recent.RemoveRange(0, recent.Count - Capacity) : recent);
    }
}
