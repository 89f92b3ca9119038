using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Audit;

/// <summary>Where accesses to client records are kept. Append-only: there is no way to change or remove one.</summary>
public interface IAuditTrail
{
    Task Record(AccessRecord access, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several lines in one round trip to the store, all or nothing: a read that opens several records at once (a
    /// nurse's day) is audited as one write, not one per record.
    /// </summary>
    Task RecordAll(IReadOnlyCollection<AccessRecord> accesses, CancellationToken cancellationToken = default);

    /// <summary>The accesses to one client's record, oldest first.</summary>
    Task<IReadOnlyList<AccessRecord>> For(string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of one client's lines after line <paramref name="after"/> (0: from the first),
    /// oldest first. Lines are numbered as the trail stores them and only ever added, so a position stays good.
    /// </summary>
    Task<AccessPage> Page(string clientId, long after, int limit, CancellationToken cancellationToken = default);
}
