using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;

namespace Buurtzorg.Simulator.History;

/// <summary>
/// Moves an entry a whole number of days into the past on the organisation's wall clock (Europe/London): its time and
/// every date it carries about the care (a visit's start, the day a rating was made, a goal agreed, a review due, the
/// replacement a correction holds), so a record's story keeps its shape, only earlier. A wall-clock time the clocks
/// skip on the earlier day is moved by whole 24-hour days instead. Details about the person (a date of birth) stay.
/// </summary>
public sealed class EntryShift(int days, CareClock clock)
{
    public int Days { get; } = days >= 0 ? days : throw new ArgumentOutOfRangeException(nameof(days), "A shift goes back, never forward.");

    public RecordEntry Back(RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Days == 0) return entry;
        RecordEntry moved = entry switch
        {
            VisitRecorded v => v with { Start = Back(v.Start) },
            RatingRecorded r => r with { RatedOn = r.RatedOn.AddDays(-Days) },
            GoalAgreed g => g with { AgreedOn = g.AgreedOn.AddDays(-Days) },
            ReviewScheduled s => s with { DueOn = s.DueOn.AddDays(-Days) },
            Correction { Replacement: { } replacement } c => c with { Replacement = Back(replacement) },
            _ => entry,
        };
        return moved with { At = Back(entry.At) };
    }

    public DateTimeOffset Back(DateTimeOffset at)
    {
        var wallClock = clock.ToLocal(at).DateTime.AddDays(-Days);
        return clock.LocalTimeZone.IsInvalidTime(wallClock) ? clock.ToLocal(at.AddDays(-Days)) : clock.AtLocal(wallClock);
    }

    /// <summary>
    /// Whole days from the admission's date back to <paramref name="admitOn"/>: zero when the episode opened on that
    /// day or earlier already (a second run moves nothing).
    /// </summary>
    public static int DaysBack(DateTimeOffset admittedAt, DateOnly admitOn, CareClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var admitted = Domain.Common.CareTime.DateOf(clock.ToLocal(admittedAt));
        return Math.Max(0, admitted.DayNumber - admitOn.DayNumber);
    }
}
