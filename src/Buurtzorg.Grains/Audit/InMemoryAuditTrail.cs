using System.Collections.Concurrent;
using System.Collections.Immutable;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Audit;

/// <summary>The embedded mode's audit trail: kept in this process, gone when it exits (as everything embedded is).</summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    private readonly ConcurrentDictionary<string, ImmutableList<AccessRecord>> _accesses = new(StringComparer.Ordinal);

    public Task Record(AccessRecord access, CancellationToken cancellationToken = default)
    {
        _accesses.AddOrUpdate(access.ClientId, _ => [access], (_, list) => list.Add(access));
        return Task.CompletedTask;
    }

    public async Task RecordAll(IReadOnlyCollection<AccessRecord> accesses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accesses);
        foreach (var access in accesses) await Record(access, cancellationToken);
    }

    public Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AccessRecord>>(_accesses.GetValueOrDefault(clientId, []));

    /// <summary>A line's position is its place in the client's list, counted from 1.</summary>
    public Task<AccessPage> Page(string clientId, long after, int limit, CancellationToken cancellationToken = default)
    {
        var lines = _accesses.GetValueOrDefault(clientId, []);
        var from = (int)Math.Clamp(after, 0, lines.Count);
        var page = lines.Skip(from).Take(limit).ToList();
        return Task.FromResult(new AccessPage(page, from + page.Count < lines.Count ? from + page.Count : null));
    }
}
