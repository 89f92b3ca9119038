using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Journal;

namespace Buurtzorg.Grains;

/// <summary>
/// A client's care record. Its state is the journal: each accepted entry is appended as one row, never a rewrite of
/// the whole record.
/// </summary>
public sealed class ClientGrain(IRecordJournal journal, TimeProvider clock) : Grain, IClientGrain
{
    private CareRecord? _stored;
    private long _seq;

    private string ClientId => this.GetPrimaryKeyString();

    private CareRecord Record => _stored ?? CareRecord.Create(ClientId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await journal.Load(ClientId, cancellationToken) is { } loaded) (_stored, _seq) = (loaded.Record, loaded.Seq);
    }

    public Task ReceiveReferral(ReferralReceived entry) => Add(entry);

    public Task OpenEpisode(EpisodeOpened entry) => Add(entry);

    public Task CloseEpisode(EpisodeClosed entry) => Add(entry);

    public async Task<CareRecord> Append(RecordEntry entry)
    {
        if (entry is ReferralReceived or EpisodeOpened or EpisodeClosed)
            throw CareRuleException.Invalid("Admission and discharge go through the client's team.");
        if (entry is VisitRecorded visit && Record.FindEntry(visit.EntryId) is null) await CheckVisitor(visit);
        return await Add(entry);
    }

    public Task<CareRecord> Get() =>
        _stored is { } record ? Task.FromResult(record) : throw CareRuleException.NotFound("No client record has this id.");

    public Task<IReadOnlyDictionary<string, int>> VisitsByNurse() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(Record.VisitsByNurse());

    /// <summary>A visit by the client's own team is care as planned; anyone else visits out of hours, and says so.</summary>
    private async Task CheckVisitor(VisitRecorded visit)
    {
        if (Record.OpenEpisode is not { } episode) return; // the record's rules refuse it with the clearer message
        var nurse = await GrainFactory.GetGrain<INurseGrain>(Ids.Parse(visit.NurseId, "nurse_id")).Get();
        if (!visit.OutOfHours && nurse.TeamId != episode.TeamId)
            throw CareRuleException.Precondition("The nurse is not a member of the client's team: record the visit as out of hours.", "NOT_THE_CLIENTS_TEAM");
    }

    private async Task<CareRecord> Add(RecordEntry entry)
    {
        var now = clock.GetUtcNow();
        var before = Record;
        var accepted = CareRecordRules.Check(before, entry, now, DateOnly.FromDateTime(now.UtcDateTime));
        var after = before.Apply(accepted);
        if (ReferenceEquals(after, before)) return before; // a retry: the entry is already in the record
        try
        {
            await journal.Append(ClientId, _seq + 1, accepted, after);
        }
        catch (JournalConflictException)
        {
            // Another activation wrote since we loaded: start again from what the journal holds.
            DeactivateOnIdle();
            throw;
        }
        (_stored, _seq) = (after, _seq + 1);
        return after;
    }
}
