using System.Collections.Concurrent;
using System.Collections.Immutable;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Journal;

/// <summary>
/// The embedded mode's journal: entries held in this process, gone when it exits. One per silo, which is all the
/// embedded mode has. Like the durable journal it keeps the present of each record as a snapshot, so an activation
/// folds only the entries written after it.
/// </summary>
public sealed class InMemoryRecordJournal(IAuditTrail audit) : IRecordJournal
{
    public const int SnapshotEvery = 50;

    private readonly ConcurrentDictionary<string, Journal> _records = new(StringComparer.Ordinal);

    private sealed record Journal(ImmutableList<RecordEntry> Entries, ImmutableHashSet<string> Ids, CareRecord? Snapshot);

    public Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default)
    {
        if (!_records.TryGetValue(clientId, out var journal)) return Task.FromResult<JournaledRecord?>(null);
        var record = journal.Snapshot ?? CareRecord.Create(clientId).Present();
        foreach (var entry in journal.Entries.Skip((int)record.Version)) record = record.Apply(entry);
        return Task.FromResult<JournaledRecord?>(new(record, journal.Entries.Count));
    }

    public async Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default)
    {
        var snapshot = seq % SnapshotEvery == 0 ? after.Present() : null;
        _records.AddOrUpdate(clientId,
            _ => seq == 1 ? new([entry], [entry.EntryId], snapshot) : throw new JournalConflictException(clientId, seq),
            (_, journal) => journal.Entries.Count != seq - 1 ? throw new JournalConflictException(clientId, seq)
                : journal.Ids.Contains(entry.EntryId) ? throw new JournalDuplicateException(clientId, entry.EntryId)
                : new(journal.Entries.Add(entry), journal.Ids.Add(entry.EntryId), snapshot ?? journal.Snapshot));
        if (access is not null) await audit.Record(access, cancellationToken);
    }

    public Task<RecordEntry?> Find(string clientId, string entryId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(clientId, out var journal) && journal.Ids.Contains(entryId)
            ? journal.Entries.Find(e => e.EntryId == entryId)
            : null);

    public Task<IReadOnlyList<RecordEntry>> Entries(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RecordEntry>>(_records.TryGetValue(clientId, out var journal) ? journal.Entries : []);

    public Task<HistoryPage> History(string clientId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        var entries = _records.TryGetValue(clientId, out var journal) ? journal.Entries : [];
        var from = (int)Math.Clamp(afterSeq, 0, entries.Count);
        var page = entries.Skip(from).Take(limit).Select((e, i) => ((long)from + i + 1, e)).ToList();
        long? next = from + page.Count < entries.Count ? from + page.Count : null;
        return Task.FromResult(HistoryPage.Of(page, entries.OfType<Correction>(), next));
    }
}
