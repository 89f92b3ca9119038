using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.OnCall;

/// <summary>A visit an out-of-hours nurse wrote into a client's record (a <c>VisitRecorded</c> with OutOfHours set).</summary>
public sealed record OutOfHoursVisit(string ClientId, string VisitId, string NurseId, DateTimeOffset Start, int DurationMinutes)
{
    /// <summary>The out-of-hours visits in a client's record, oldest first.</summary>
    public static ImmutableList<OutOfHoursVisit> From(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Visits.Where(v => v.OutOfHours)
            .Select(v => new OutOfHoursVisit(record.ClientId, v.VisitId, v.NurseId, v.Start, v.DurationMinutes))
            .OrderBy(v => v.Start).ThenBy(v => v.VisitId, StringComparer.Ordinal)
            .ToImmutableList();
    }
}

/// <summary>An out-of-hours visit in the night, and the call that asked for it when one did.</summary>
public sealed record NightVisit(OutOfHoursVisit Visit, string? ForCallId);

/// <summary>
/// One client's night: the calls, the out-of-hours visits recorded, and the calls that asked for an out-of-hours visit
/// that no recorded visit answers yet (the team follows those up first thing).
/// </summary>
public sealed record ClientNight(
    string ClientId,
    ImmutableList<CallLogEntry> Calls,
    ImmutableList<NightVisit> OutOfHoursVisits,
    ImmutableList<string> VisitNotRecordedForCalls);

/// <summary>
/// What the day team reads at its morning review about the night before: per client, the calls and their triage,
/// the out-of-hours visits, and which requested visits are still not in the record. The day planner takes it as an
/// input: it plans the next-day visits the night's calls added and carries the review in the day plan.
/// </summary>
public sealed record NightReview(string TeamId, DateOnly Night, string? OnCallNurseId, ImmutableList<ClientNight> Clients)
{
    /// <summary>The calls whose outcome added a visit to the next day's plan.</summary>
    [JsonIgnore]
    public ImmutableList<CallLogEntry> NextDayVisits =>
        Clients.SelectMany(c => c.Calls).Where(c => c.Outcome == TriageOutcome.NextDayVisitAdded && c.NextDayVisit is not null).ToImmutableList();

    [JsonIgnore]
    public int CallCount => Clients.Sum(c => c.Calls.Count);

    public override string ToString() => $"Night review {TeamId} {Night:yyyy-MM-dd}";
}
