using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.on-call-state")]
public sealed class OnCallState : GrainState<OnCallState>
{
    [Id(0)] public OnCallBook? Book { get; set; }
    [Id(1)] public RequestLog Requests { get; set; } = RequestLog.Empty;
}

/// <summary>A team's nights: the on-call rota, the calls the on-call nurse logs, and each night's review.</summary>
[GrainType("buurtzorg.on-call")]
public sealed class OnCallGrain(
    [PersistentState("on-call", BuurtzorgStorage.Name)] IPersistentState<OnCallState> state,
    Security.CallerSeal seal,
    CareClock clock) : Grain, IOnCallGrain, ITeamOwned
{
    private string TeamId => this.GetPrimaryKeyString();

    private OnCallBook Book => state.State.Book ?? OnCallBook.Create(TeamId);

    public bool Exists => true;

    public string? OwningTeamId => TeamId;

    private string Who => seal.Current()?.Subject ?? "team";

    public async Task<OnCallShift> AssignNight(string requestId, DateOnly night, string nurseId)
    {
        var team = await GrainFactory.GetGrain<ITeamGrain>(TeamId).Get();
        var book = state.State.Requests.Contains(requestId) ? Book
            : Book.AssignNight(team, night, nurseId, Who, clock.LocalNow);
        await Save(requestId, book);
        return book.Rota.Find(s => s.Night == night)!;
    }

    public Task<IReadOnlyList<OnCallShift>> Rota(DateOnly from, DateOnly to)
    {
        if (to < from || to.DayNumber - from.DayNumber > 62) throw CareRuleException.Invalid("Ask for at most 62 nights, first night first.");
        return Task.FromResult<IReadOnlyList<OnCallShift>>(Book.Rota.FindAll(s => s.Night >= from && s.Night <= to));
    }

    public async Task<CallLogEntry> LogCall(string requestId, LogCallCommand command)
    {
        var callId = Ids.Derive("call", requestId);
        if (Book.Call(callId) is { } logged) return logged;
        var team = await GrainFactory.GetGrain<ITeamGrain>(TeamId).Get();
        // The nurse logging the call is the caller: the book checks that they are on call that night.
        var book = Book.LogCall(team, callId, clock.ToLocal(command.At), command.ClientId, Who, command.Outcome,
            command.Note, clock.LocalNow, command.NextDayVisit);
        await Save(requestId, book);
        return book.Call(callId)!;
    }

    public Task<int> CallsSince(DateTimeOffset since) => Task.FromResult(Book.Calls.Count(c => c.At >= since));

    public async Task<NightReview> Review(DateOnly night)
    {
        var team = await GrainFactory.GetGrain<ITeamGrain>(TeamId).Get();
        var clients = Book.CallsOf(night).Select(c => c.ClientId).Concat(team.Caseload.Select(c => c.ClientId)).Distinct(StringComparer.Ordinal);
        var days = await Task.WhenAll(clients.Select(c => GrainFactory.GetGrain<IClientGrain>(c).Day(night)));
        return Book.Review(night, days.SelectMany(d => d.OutOfHours));
    }

    private Task Save(string requestId, OnCallBook book) =>
        state.Commit(s => (s.Book, s.Requests) = (book, s.Requests.Add(requestId, clock.GetUtcNow())));
}
