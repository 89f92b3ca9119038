using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains;

/// <summary>
/// A client's care record (key: an opaque client id, never the NHS number): an append-only history from which the
/// current record is derived. Admission and discharge arrive from the team; clinical entries from the team app.
/// </summary>
[Alias("buurtzorg.client")]
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>
    /// Called by the team when a referral arrives. The first gives the record the client's details; a later one whose
    /// details differ keeps them with the referral and flags the difference to the client's team.
    /// </summary>
    [Alias("receive-referral")] Task ReceiveReferral(ReferralReceived entry);

    /// <summary>Called by the team as it admits: opens an episode, unless the client is on another team's caseload.</summary>
    /// <returns>The client's card for the team's caseload list (null while the record has no details).</returns>
    [Alias("open-episode")] Task<ClientCard?> OpenEpisode(EpisodeOpened entry);

    /// <summary>Called by the team as it discharges: closes the episode with the reason and final ratings.</summary>
    /// <returns>The episode's outcome change (no patient data: counts and means), for the team's figures.</returns>
    [Alias("close-episode")] Task<Domain.CentralOffice.DischargeOutcome> CloseEpisode(EpisodeClosed entry);

    /// <summary>
    /// Appends a clinical entry (visit, note, rating, …, or the client's details confirmed) after checking it against
    /// the record's rules.
    /// </summary>
    /// <returns>The entry as stored (for a retry, as first stored), the record's version and the view of its subject.</returns>
    [Alias("append")] Task<RecordWrite> Append(RecordEntry entry);

    /// <summary>
    /// Appends a clinical entry made offline (SyncService.Upload): checked as <see cref="Append"/> checks it, except that
    /// an intervention stopped or a problem resolved meanwhile may still be named, since what happened is kept.
    /// </summary>
    /// <returns>The write, and whether it met a care plan that had changed before it was made.</returns>
    [Alias("append-offline")] Task<OfflineWrite> AppendOffline(RecordEntry entry);

    /// <summary>The record as a team app reads it (audited): the present, never the history.</summary>
    [Alias("get")] Task<RecordView> Get();

    /// <summary>A page of the history, read from the journal (audited as a read of the record).</summary>
    [Alias("history")] Task<HistoryPage> History(long afterSeq, int limit);

    /// <summary>One entry, for a correction to build on; not found when the record has no entry with this id.</summary>
    [Alias("entry")] Task<RecordEntry> Entry(string entryId);

    /// <summary>
    /// Who accessed this record, oldest first (the audit trail): up to <paramref name="limit"/> lines after line
    /// <paramref name="after"/> (0: from the first).
    /// </summary>
    [Alias("accesses")] Task<AccessPage> Accesses(long after, int limit);

    /// <summary>What the team's day planner and night review need of this record for a day (team-only step).</summary>
    [Alias("day")] Task<ClientDay> Day(DateOnly day);

    /// <summary>
    /// What a nurse of <paramref name="teamId"/> needs of the record for a visit (team-only step, not audited here: the
    /// caller audits the reads it gathers in one write); null unless the client is on that team's caseload.
    /// </summary>
    [Alias("sheet")] Task<ClientSheet?> Sheet(string teamId);
}

/// <summary>An offline write as stored, and whether it met a care plan changed before it was made (see IClientGrain.AppendOffline).</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.offline-write")]
public sealed record OfflineWrite([property: Id(0)] RecordWrite Write, [property: Id(1)] bool Conflict);
