using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Nurses;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.nurse-state")]
public sealed class NurseState : GrainState<NurseState>
{
    [Id(0)] public Nurse? Nurse { get; set; }
}

[GrainType("buurtzorg.nurse")]
public sealed class NurseGrain(
    [PersistentState("nurse", BuurtzorgStorage.Name)] IPersistentState<NurseState> state,
    CareClock clock) : Grain, INurseGrain, ITeamOwned
{
    public bool Exists => state.State.Nurse is not null;

    public string? OwningTeamId => state.State.Nurse?.TeamId;

    public string? OwnSubject => this.GetPrimaryKeyString();

    private Nurse Current => state.State.Nurse ?? throw CareRuleException.NotFound("No nurse is registered with this id.");

    public async Task<Nurse> Register(string requestId, RegisterNurseCommand command)
    {
        // The id derives from the request id, so a registered nurse here is this same request retried.
        if (state.State.Nurse is { } registered) return registered;
        var nurse = Nurse.Register(this.GetPrimaryKeyString(), command.DisplayName, command.Role, command.Pin,
            command.HoursPerWeek, command.Skills, clock.LocalNow);
        await Save(nurse);
        return nurse;
    }

    public Task<Nurse> Get() => Task.FromResult(Current);

    public Task<Nurse> JoinTeam(string teamId) => Save(Current.JoinTeam(teamId));

    public Task<Nurse> LeaveTeam(string teamId) => Save(Current.LeaveTeam(teamId));

    private async Task<Nurse> Save(Nurse nurse)
    {
        if (nurse == state.State.Nurse) return nurse;
        await state.Commit(s => s.Nurse = nurse);
        return nurse;
    }
}
