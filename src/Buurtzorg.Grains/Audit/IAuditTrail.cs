using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Audit;

/// <summary>Where accesses to client records are kept. Append-only: there is no way to change or remove one.</summary>
public interface IAuditTrail
{
    Task Record(AccessRecord access, CancellationToken cancellationToken = default);

    /// <summary>The accesses to one client's record, oldest first.</summary>
    Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default);
}
