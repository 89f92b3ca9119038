using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.client-state")]
public sealed class ClientState
{
    [Id(0)] public CareRecord? Record { get; set; }
}

public sealed class ClientGrain(
    [PersistentState("client", BuurtzorgStorage.Name)] IPersistentState<ClientState> state,
    TimeProvider clock) : Grain, IClientGrain
{
    private CareRecord Record => state.State.Record ?? CareRecord.Create(this.GetPrimaryKeyString());

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
        state.State.Record is { } record ? Task.FromResult(record) : throw CareRuleException.NotFound("No client record has this id.");

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
        var stored = state.State.Record;
        var before = Record;
        var checkedEntry = CareRecordRules.Check(before, entry, now, DateOnly.FromDateTime(now.UtcDateTime));
        var after = before.Apply(checkedEntry);
        if (ReferenceEquals(after, before)) return before;
        state.State.Record = after;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Record = stored;
            throw;
        }
        return after;
    }
}
