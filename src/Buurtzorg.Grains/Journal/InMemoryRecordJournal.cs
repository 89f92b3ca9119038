using System.Collections.Concurrent;
using System.Collections.Immutable;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Journal;

/// <summary>
/// The embedded mode's journal: entries held in this process, gone when it exits. One per silo, which is all the
/// embedded mode has.
/// </summary>
public sealed class InMemoryRecordJournal(IAuditTrail audit) : IRecordJournal
{
    private readonly ConcurrentDictionary<string, ImmutableList<RecordEntry>> _records = new(StringComparer.Ordinal);

    public Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(clientId, out var entries)
            ? new JournaledRecord(CareRecord.Replay(clientId, entries), entries.Count)
            : null);

    public async Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default)
    {
        _records.AddOrUpdate(clientId,
            _ => seq == 1 ? [entry] : throw new JournalConflictException(clientId, seq),
            (_, entries) => entries.Count == seq - 1 ? entries.Add(entry) : throw new JournalConflictException(clientId, seq));
        if (access is not null) await audit.Record(access, cancellationToken);
    }
}
