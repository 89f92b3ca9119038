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

    public Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AccessRecord>>(_accesses.GetValueOrDefault(clientId, []));
}
