using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.OnCall;

/// <summary>What the on-call nurse decided when a client called.</summary>
public enum TriageOutcome
{
    AdviceGiven = 1,
    OutOfHoursVisitRequested,
    EmergencyServicesCalled,
    NextDayVisitAdded,
}

/// <summary>The visit a night call adds to the next day's plan: when, how long, and the skills it needs.</summary>
public sealed record NextDayVisitRequest(TimeWindow Window, int DurationMinutes, ImmutableSortedSet<Skill> Skills)
{
    /// <summary>Unless the nurse says otherwise: the next morning, half an hour, any member may go.</summary>
    public static readonly NextDayVisitRequest Default = new(TimeWindow.Morning, 30, []);

    public NextDayVisitRequest Validated()
    {
        var window = SkillCatalogue.ParseEnum<TimeWindow>((int)Window, "The next-day visit's time window");
        if (DurationMinutes is < CareRecordRules.MinInterventionMinutes or > CareRecordRules.MaxInterventionMinutes)
            throw CareRuleException.Invalid($"A next-day visit lasts {CareRecordRules.MinInterventionMinutes} to {CareRecordRules.MaxInterventionMinutes} minutes.");
        var skills = (Skills ?? []).Select(s => SkillCatalogue.Parse((int)s)).ToImmutableSortedSet();
        return new(window, DurationMinutes, skills);
    }
}

/// <summary>
/// A call from a client to the on-call nurse, logged with the triage outcome. The note is clinical text: it is never
/// printed (see <see cref="ToString"/>) and never put in an error message.
/// </summary>
public sealed record CallLogEntry(
    string CallId,
    DateTimeOffset At,
    DateOnly Night,
    string ClientId,
    string NurseId,
    TriageOutcome Outcome,
    string Note,
    NextDayVisitRequest? NextDayVisit)
{
    public const int NoteMax = 1000;

    public override string ToString() => $"Call {CallId}";
}
