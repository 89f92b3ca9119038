using System.Collections.Immutable;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Planning;

namespace Buurtzorg.Grains;

/// <summary>
/// One team's day (key: <c>{team id}/{yyyy-MM-dd}</c>): the visits due, and the plan the daily caseload review makes.
/// </summary>
[Alias("buurtzorg.team-day")]
public interface ITeamDayGrain : IGrainWithStringKey
{
    [Alias("due")] Task<IReadOnlyList<DueVisit>> VisitsDue();
    [Alias("review")] Task<DayPlan> Review(string requestId);
    [Alias("reassign")] Task<DayPlan> Reassign(string requestId, string visitId, string nurseId);
    [Alias("get")] Task<DayPlan> Get();

    /// <summary>
    /// Each client's first assigned visit starting at or after <paramref name="from"/> (ids and times only, for the
    /// caseload list); empty while the day is not reviewed.
    /// </summary>
    [Alias("next-visits")] Task<IReadOnlyList<PlannedVisit>> NextVisits(TimeOnly from);

    /// <summary>
    /// The calling nurse's visits in the reviewed plan, in order, with what each client's record says for the round;
    /// each record read is audited, all in one write. Read-only, so nurses loading their day do not wait on each other.
    /// </summary>
    [Orleans.Concurrency.ReadOnly, Alias("my-day")] Task<MyDay> MyDay();

    public static string KeyOf(string teamId, DateOnly day) => $"{teamId}/{day:yyyy-MM-dd}";
}

/// <summary>A team's nights (key: team id): who is on call, the calls taken, and the review of each night.</summary>
[Alias("buurtzorg.on-call")]
public interface IOnCallGrain : IGrainWithStringKey
{
    [Alias("assign")] Task<OnCallShift> AssignNight(string requestId, DateOnly night, string nurseId);
    [Alias("rota")] Task<IReadOnlyList<OnCallShift>> Rota(DateOnly from, DateOnly to);
    [Alias("log")] Task<CallLogEntry> LogCall(string requestId, LogCallCommand command);
    [Alias("review")] Task<NightReview> Review(DateOnly night);

    /// <summary>How many calls the team's on-call nurses took since a moment, for the team's figures (a count, no ids).</summary>
    [Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly, Alias("calls-since")] Task<int> CallsSince(DateTimeOffset since);
}

[GenerateSerializer, Immutable, Alias("buurtzorg.log-call")]
public sealed record LogCallCommand(
    [property: Id(0)] string ClientId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] TriageOutcome Outcome,
    [property: Id(3)] string Note,
    [property: Id(4)] NextDayVisitRequest? NextDayVisit)
{
    /// <summary>The note is clinical text: printing the command shows none of it.</summary>
    public override string ToString() => $"Call about {ClientId} ({Outcome})";
}

/// <summary>What the day planner needs of one client's record for a day, without opening the whole record.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.client-day")]
public sealed record ClientDay(
    [property: Id(0)] ImmutableList<DueVisit> Due,
    [property: Id(1)] ImmutableList<RecentVisit> Recent,
    [property: Id(2)] ImmutableList<OutOfHoursVisit> OutOfHours);

/// <summary>
/// What a nurse needs of a client's record to visit them: who and where they are, the care plan's interventions, whom
/// to ask at the door, the latest note and the review dates. Patient-identifiable; printing it shows none of it.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.client-sheet")]
public sealed record ClientSheet(
    [property: Id(0)] string ClientId,
    [property: Id(1)] Domain.Records.Demographics? Details,
    [property: Id(2)] ImmutableList<Domain.Records.Intervention> Interventions,
    [property: Id(3)] ImmutableList<Domain.Records.NetworkMember> AccessContacts,
    [property: Id(4)] Domain.Records.Note? LatestNote,
    [property: Id(5)] DateOnly? NextReviewOn,
    [property: Id(6)] DateOnly? ReablementEndsOn)
{
    public override string ToString() => $"Client sheet {ClientId}";
}

/// <summary>A nurse's visits on a day of her team's plan, in order, and the sheets of the clients still on its caseload.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.my-day")]
public sealed record MyDay(
    [property: Id(0)] string TeamId,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] string NurseId,
    [property: Id(3)] ImmutableList<PlannedVisit> Visits,
    [property: Id(4)] ImmutableList<ClientSheet> Clients);
