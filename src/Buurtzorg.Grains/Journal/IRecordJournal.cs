using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains.Journal;

/// <summary>A client's record as last stored: the record and the sequence number of its newest entry.</summary>
public sealed record JournaledRecord(CareRecord Record, long Seq);

/// <summary>
/// Where care records live: an append-only journal of entries, one row per entry, from which a record is rebuilt
/// (a snapshot plus the newer entries). Appending one entry is the whole cost of a write.
/// </summary>
public interface IRecordJournal
{
    /// <summary>The stored record, or null when it has no entries yet.</summary>
    Task<JournaledRecord?> Load(string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="entry"/> as number <paramref name="seq"/> (one more than the newest stored). Throws
    /// <see cref="JournalConflictException"/> when that number is taken: another activation wrote first.
    /// <paramref name="after"/> is the record with the entry applied, which the journal may keep as a snapshot;
    /// <paramref name="access"/> is the audit trail's line for this write, stored with the entry, all or nothing.
    /// </summary>
    Task Append(string clientId, long seq, RecordEntry entry, CareRecord after, AccessRecord? access, CancellationToken cancellationToken = default);
}

/// <summary>The journal moved on since this activation loaded it; the activation must reload before writing.</summary>
public sealed class JournalConflictException(string clientId, long seq)
    : Exception($"Record {clientId} already has an entry number {seq}; the activation was stale.");
