using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Journal;

/// <summary>A client's record as last stored: the present (no history) and the sequence number of its newest entry.</summary>
public sealed record JournaledRecord(CareRecord Record, long Seq);

/// <summary>
/// Where care records live: an append-only journal of entries, one row per entry, and now and then a snapshot of the
/// record's present folded up to an entry. An activation loads one snapshot plus the entries written after it; the
/// history is read from the journal a page at a time, never held. Appending one entry is the whole cost of a write.
/// </summary>
public interface IRecordJournal
{
    /// <summary>The stored record's present, or null when it has no entries yet.</summary>
    Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="entry"/> as number <paramref name="seq"/> (one more than the newest stored). Throws
    /// <see cref="JournalConflictException"/> when that number is taken (another activation wrote first), and
    /// <see cref="JournalDuplicateException"/> when the record already has an entry with this id (a retry the record
    /// no longer remembers); either way nothing was written. <paramref name="after"/> is the record's present with the
    /// entry applied, which the journal may keep as a snapshot, off the caller's path; <paramref name="access"/> is the
    /// audit trail's line for this write, stored with the entry, all or nothing.
    /// </summary>
    Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default);

    /// <summary>The entry with this id, or null.</summary>
    Task<RecordEntry?> Find(string clientId, string entryId, CancellationToken cancellationToken = default);

    /// <summary>Every entry, oldest first: for folding a correction into the whole history.</summary>
    Task<IReadOnlyList<RecordEntry>> Entries(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> entries numbered after <paramref name="afterSeq"/>, marked with their corrections.</summary>
    Task<HistoryPage> History(string clientId, long afterSeq, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The journal moved on since this activation loaded it; the activation must reload before writing.</summary>
public sealed class JournalConflictException(string clientId, long seq)
    : Exception($"Record {clientId} already has an entry number {seq}; the activation was stale.");

/// <summary>The record already holds an entry with this id: the write is a retry.</summary>
public sealed class JournalDuplicateException(string clientId, string entryId)
    : Exception($"Record {clientId} already has entry {entryId}.")
{
    public string EntryId { get; } = entryId;
}
