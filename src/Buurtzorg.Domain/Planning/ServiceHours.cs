using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// The team's planned day runs 08:00–20:00; the night belongs to the on-call nurse. A care plan's time window becomes
/// concrete hours here, and a planned visit lies wholly inside them (it starts at or after the window opens and ends
/// by the time it closes). Midday overlaps the morning and the afternoon on purpose: lunchtime care is flexible.
/// All times are the organisation's local wall-clock time, as in the care record (see <see cref="CareTime"/>).
/// </summary>
public static class ServiceHours
{
    public static readonly TimeOnly Opens = new(8, 0);
    public static readonly TimeOnly Closes = new(20, 0);

    public static (TimeOnly From, TimeOnly To) Of(TimeWindow window) => window switch
    {
        TimeWindow.Any => (Opens, Closes),
        TimeWindow.Morning => (new(8, 0), new(12, 0)),
        TimeWindow.Midday => (new(11, 0), new(14, 0)),
        TimeWindow.Afternoon => (new(13, 0), new(17, 0)),
        TimeWindow.Evening => (new(17, 0), new(20, 0)),
        _ => throw CareRuleException.Invalid("The time window is missing or not a known value."),
    };

    /// <summary>The moment the planned day starts; after it the day's plan no longer changes.</summary>
    public static DateTime DayStarts(DateOnly day) => day.ToDateTime(Opens);

    internal static int MinuteOfDay(TimeOnly time) => (time.Hour * 60) + time.Minute;

    internal static TimeOnly AtMinute(int minute) => new(minute / 60, minute % 60);

    /// <summary>The local date of a moment, as the care record reads it (see <see cref="CareTime"/>).</summary>
    internal static DateOnly DateOf(DateTimeOffset at) => CareTime.DateOf(at);
}
