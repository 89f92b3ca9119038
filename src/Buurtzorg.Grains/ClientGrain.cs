using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Grains.Security;
using Microsoft.Extensions.Options;

namespace Buurtzorg.Grains;

/// <summary>
/// A client's care record. Its state is the journal: each accepted entry is appended as one row, never a rewrite of
/// the whole record. The grain holds the record's present only (bounded, whatever the history's length); the history
/// is read from the journal a page at a time. Persisted reminders watch the care plan's review date and the end of
/// reablement, and raise a flag on the team's caseload when either comes.
/// </summary>
[GrainType("buurtzorg.client")]
public sealed class ClientGrain(
    IRecordJournal journal,
    IAuditTrail audit,
    CallerSeal seal,
    CareClock clock,
    IOptions<RecordReminderOptions> reminders)
    : Grain, IClientGrain, IRemindable, ITeamOwned
{
    private const string ReviewDue = "review-due";
    private const string ReablementEnds = "reablement-ends";

    private CareRecord? _stored;
    private long _seq;

    private string ClientId => this.GetPrimaryKeyString();

    private CareRecord Record => _stored ?? CareRecord.Create(ClientId);

    public bool Exists => _stored is not null;

    /// <summary>The team on whose caseload the client is, or was last, or which last received a referral.</summary>
    public string? OwningTeamId =>
        _stored is not { } record ? null
        : record.OpenEpisode?.TeamId ?? record.PastEpisodes.LastOrDefault()?.TeamId ?? record.Referrals.LastOrDefault()?.TeamId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await journal.Load(ClientId, cancellationToken) is { } loaded) (_stored, _seq) = (loaded.Record, loaded.Seq);
    }

    public async Task ReceiveReferral(ReferralReceived entry)
    {
        var (record, _) = await Add(entry);
        if (record.DetailsDifferFromReferral) FlagDetails(record);
    }

    public async Task<ClientCard?> OpenEpisode(EpisodeOpened entry)
    {
        var (record, _) = await Add(entry);
        // A difference raised while the client was on no caseload reaches the team that admits them.
        if (record.DetailsDifferFromReferral) FlagDetails(record);
        return ClientCard.Of(record);
    }

    public async Task<Domain.CentralOffice.DischargeOutcome> CloseEpisode(EpisodeClosed entry)
    {
        var (record, _) = await Add(entry);
        var episode = record.PastEpisodes.Find(e => e.EpisodeId == entry.EpisodeId);
        var changes = (episode?.Outcomes ?? []).Select(o => o.Change).OfType<OutcomeChange>().ToList();
        return changes.Count == 0
            ? new(entry.At, 0, 0, 0, 0)
            : new(entry.At, changes.Count, changes.Average(c => c.Knowledge), changes.Average(c => c.Behaviour), changes.Average(c => c.Status));
    }

    public async Task<RecordWrite> Append(RecordEntry entry) => (await Write(entry, offline: false)).Write;

    /// <summary>
    /// A write made offline: checked as <see cref="Append"/> checks it, but kept when the care plan changed meanwhile.
    /// The history is read only when the entry names plan items no longer active, to tell whether they stopped first.
    /// </summary>
    public Task<OfflineWrite> AppendOffline(RecordEntry entry) => Write(entry, offline: true);

    private async Task<OfflineWrite> Write(RecordEntry entry, bool offline)
    {
        if (entry is ReferralReceived or EpisodeOpened or EpisodeClosed)
            throw CareRuleException.Invalid("Admission and discharge go through the client's team.");
        if (entry is VisitRecorded visit && Record.FindEntry(visit.EntryId) is null) await CheckVisitor(visit);
        var before = Record;
        var (record, write) = await Add(entry, Access($"write {entry.Kind}"), offline);
        if (entry is DemographicsUpdated) FlagDetails(record);
        // The team has reviewed the care plan in the light of what was done offline.
        if (entry is ReviewScheduled && record.OpenEpisode is { } episode)
            _ = GrainFactory.GetGrain<ITeamGrain>(episode.TeamId).Flag(ClientId, CaseloadFlag.OfflineConflict, raised: false);
        // Judged again for a write sent again, so a conflict whose flag was never raised (the team could not be reached)
        // is raised by the resend.
        var conflict = offline && OfflineConflict.NeedsHistory(before, write.Entry)
            && OfflineConflict.MetChangedPlan(write.Entry, await journal.Entries(ClientId));
        return new OfflineWrite(write, conflict);
    }

    /// <summary>
    /// Tells the client's team whether a referral's details wait to be checked, from the record as it is now (so a
    /// retry tells it again). One-way: the team calling this record (a referral, an admission) hears it after that call.
    /// </summary>
    private void FlagDetails(CareRecord record)
    {
        if (record.OpenEpisode is { } episode)
        {
            _ = GrainFactory.GetGrain<ITeamGrain>(episode.TeamId)
                .Flag(ClientId, CaseloadFlag.DetailsDiffer, record.DetailsDifferFromReferral);
        }
    }

    public async Task<RecordView> Get()
    {
        var record = _stored ?? throw CareRuleException.NotFound("No client record has this id.");
        if (Access("read record") is { } access) await Audit(access);
        return RecordView.Of(record);
    }

    public async Task<HistoryPage> History(long afterSeq, int limit)
    {
        if (_stored is null) throw CareRuleException.NotFound("No client record has this id.");
        if (Access("read history") is { } access) await Audit(access);
        return await journal.History(ClientId, afterSeq, limit);
    }

    public async Task<RecordEntry> Entry(string entryId) =>
        Record.FindEntry(entryId) ?? await journal.Find(ClientId, entryId)
        ?? throw CareRuleException.NotFound("There is no entry with that id on the client's record.");

    /// <summary>The record's audit trail; like the record itself, not found when no record has this id.</summary>
    public Task<AccessPage> Accesses(long after, int limit) =>
        _stored is null ? throw CareRuleException.NotFound("No client record has this id.") : audit.Page(ClientId, after, limit);

    /// <summary>The audit line for an access by the caller of this request; none for a step our own grains take.</summary>
    private AccessRecord? Access(string action) =>
        seal.Current() is { } caller
            ? new AccessRecord(clock.LocalNow, ClientId, caller.Subject, caller.Role, caller.TeamId, action, caller.Reason)
            : null;

    private async Task Audit(AccessRecord access)
    {
        await audit.Record(access);
        FlagOutOfHours(access);
    }

    /// <summary>Every out-of-hours access is flagged to the client's team, which can list them.</summary>
    private void FlagOutOfHours(AccessRecord access)
    {
        if (access.Role == Role.OutOfHours && OwningTeamId is { } team)
            _ = GrainFactory.GetGrain<ITeamGrain>(team).Flag(ClientId, CaseloadFlag.OutOfHoursAccess, raised: true);
    }

    public Task<ClientDay> Day(DateOnly day)
    {
        var record = Record;
        // What is missed depends on the moment, read on the organisation's local clock.
        return Task.FromResult(new ClientDay(
            Domain.Planning.VisitsDue.For(record, day, clock.LocalNow), Domain.Planning.RecentVisit.From(record),
            Domain.OnCall.OutOfHoursVisit.From(record)));
    }

    public Task<ClientSheet?> Sheet(string teamId)
    {
        if (_stored is not { OpenEpisode: { } episode } record || episode.TeamId != teamId) return Task.FromResult<ClientSheet?>(null);
        return Task.FromResult<ClientSheet?>(new ClientSheet(ClientId, record.Demographics, record.Interventions,
            [.. record.Network.Where(m => m.Kind == NetworkKind.Informal)], record.EpisodeNotes.LastOrDefault(),
            record.NextReviewOn, record.ReablementEndsOn));
    }

    /// <summary>
    /// A visit by the client's own team is care as planned; anyone else visits out of hours, and says so. A nurse
    /// recording her own visit to a client of her team is known to be a member already: the access filter has just
    /// checked it with the team for this call. Anyone else is asked of the nurse's grain.
    /// </summary>
    private async Task CheckVisitor(VisitRecorded visit)
    {
        if (Record.OpenEpisode is not { } episode) return; // the record's rules refuse it with the clearer message
        if (seal.Current() is { Role: Role.Nurse } caller && caller.Subject == visit.NurseId && caller.TeamId == episode.TeamId) return;
        var nurse = await GrainFactory.GetGrain<INurseGrain>(Ids.Parse(visit.NurseId, "nurse_id")).Get();
        if (!visit.OutOfHours && nurse.TeamId != episode.TeamId)
            throw CareRuleException.Precondition("The nurse is not a member of the client's team: record the visit as out of hours.", "NOT_THE_CLIENTS_TEAM");
    }

    /// <summary>
    /// Checks an entry against the record's rules, appends it to the journal and folds it into the present. A retry is
    /// answered with the entry as first stored: from the record's latest entries, or — for a retry the record no longer
    /// remembers — from the journal, whose entry ids are unique. A correction is folded into the whole history, read
    /// from the journal for it (corrections are rare; the present never holds the history).
    /// </summary>
    private async Task<(CareRecord Record, RecordWrite Write)> Add(RecordEntry entry, AccessRecord? access = null, bool offline = false)
    {
        var now = clock.LocalNow;
        var before = Record;
        var basis = entry is Correction ? CareRecord.Replay(ClientId, await journal.Entries(ClientId)) : before;
        RecordEntry accepted;
        try
        {
            accepted = CareRecordRules.Check(basis, entry, now, CareTime.DateOf(now), offline);
        }
        catch (CareRuleException) when (basis.FindEntry(entry.EntryId ?? "") is null && !string.IsNullOrEmpty(entry.EntryId))
        {
            // The rules may refuse a retry the record has moved past; the journal knows whether it is one.
            if (await journal.Find(ClientId, entry.EntryId) is { } stored) return (before, Repeated(before, stored, entry));
            throw;
        }
        var applied = basis.Apply(accepted);
        if (ReferenceEquals(applied, basis)) return (before, Repeated(before, basis.FindEntry(accepted.EntryId)!, entry));
        var after = applied.Present();
        try
        {
            await journal.Append(ClientId, _seq + 1, accepted, after, access);
        }
        catch (JournalConflictException)
        {
            // Another activation wrote since we loaded: start again from what the journal holds.
            DeactivateOnIdle();
            throw;
        }
        catch (JournalDuplicateException)
        {
            var stored = await journal.Find(ClientId, accepted.EntryId)
                ?? throw new InvalidOperationException("The journal refused a duplicate entry it does not hold.");
            return (before, Repeated(before, stored, entry));
        }
        (_stored, _seq) = (after, _seq + 1);
        ReportCare(before, after);
        if (access is not null) FlagOutOfHours(access);
        await Watch(ReviewDue, CaseloadFlag.ReviewDue, before.NextReviewOn, after.NextReviewOn, after);
        await Watch(ReablementEnds, CaseloadFlag.ReablementEnding, before.ReablementEndsOn, after.ReablementEndsOn, after);
        return (after, RecordWrite.Of(after, accepted, repeated: false));
    }

    /// <summary>A retry answers with the entry first stored under its id, provided it is the same kind of entry.</summary>
    private static RecordWrite Repeated(CareRecord record, RecordEntry stored, RecordEntry sent) =>
        stored.GetType() == sent.GetType()
            ? RecordWrite.Of(record, stored, repeated: true)
            : throw new CareRuleException(RuleViolation.AlreadyExists, "This entry id is already used by a different entry on the client's record.");

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var record = Record;
        var (due, flag) = reminderName switch
        {
            ReviewDue => (record.NextReviewOn, CaseloadFlag.ReviewDue),
            ReablementEnds => (record.ReablementEndsOn, CaseloadFlag.ReablementEnding),
            _ => (null, default),
        };
        if (due is null || record.OpenEpisode is not { } episode)
        {
            await Forget(reminderName);
            return;
        }
        if (due <= Today) await GrainFactory.GetGrain<ITeamGrain>(episode.TeamId).Flag(ClientId, flag, raised: true);
    }

    /// <summary>
    /// Keeps a reminder on a date of the record: set for a new date (clearing a flag the old one raised), gone with
    /// the date. Reminders persist, so a date falls due even if no silo that saw it set is running.
    /// </summary>
    private async Task Watch(string reminderName, CaseloadFlag flag, DateOnly? before, DateOnly? after, CareRecord record)
    {
        if (before == after) return;
        if (before is not null && record.OpenEpisode is { } episode)
            await GrainFactory.GetGrain<ITeamGrain>(episode.TeamId).Flag(ClientId, flag, raised: false);
        if (after is not { } due)
        {
            await Forget(reminderName);
            return;
        }
        var wait = clock.StartOf(due) - clock.GetUtcNow();
        var options = reminders.Value;
        await this.RegisterOrUpdateReminder(reminderName, wait > options.Grace ? wait : options.Grace, options.Recheck);
    }

    private async Task Forget(string reminderName)
    {
        if (await this.GetReminder(reminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private DateOnly Today => clock.Today;

    /// <summary>
    /// Tells the team, after each entry, the record's version (<c>_seq</c>), what the open episode's care now is and
    /// the client's card: the team's figures and caseload list read the care and card, and its change log hands the
    /// version to tablets (SyncService.Changes) so they know which records to fetch again. One-way and whole: the team
    /// keeps the latest by <c>_seq</c>, a lost one is made good by the next.
    /// </summary>
    private void ReportCare(CareRecord before, CareRecord after)
    {
        if ((after.OpenEpisode ?? before.OpenEpisode)?.TeamId is { } teamId)
        {
            _ = GrainFactory.GetGrain<ITeamGrain>(teamId)
                .ClientCareChanged(ClientId, _seq, Domain.CentralOffice.EpisodeCare.Of(after), ClientCard.Of(after));
        }
    }
}
