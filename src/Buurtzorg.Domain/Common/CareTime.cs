namespace Buurtzorg.Domain.Common;

/// <summary>
/// How the domain reads time: on the organisation's wall clock (Europe/London by default), never in UTC.
/// <para>
/// The convention: every <see cref="DateTimeOffset"/> that reaches the domain carries the organisation's local offset
/// at that instant (+00:00 in GMT, +01:00 in British Summer Time). The boundaries convert: the care clock gives local
/// time, the gRPC layer turns the wire's UTC timestamps into local ones, and grains hand the domain only those. So
/// the wall-clock reading of a moment (<see cref="DateOf"/>, <see cref="TimeOf"/>, <c>at.DateTime</c>) is local time,
/// and a night of 20:00–08:00 is 11 hours long on the spring change and 13 on the autumn one. Comparing two moments
/// (<c>&lt;</c>, <c>-</c>) compares instants and holds whatever their offsets; a <see cref="DateOnly"/> is a local date.
/// Stored entries keep the offset they were made with (JSON keeps it), so a record reads the same after a reload.
/// </para>
/// <para>
/// The checks here bound the times people enter: nothing in the future beyond <see cref="ClockTolerance"/> (a phone's
/// clock may run a little ahead of ours), nothing before the episode it belongs to.
/// </para>
/// </summary>
public static class CareTime
{
    /// <summary>How far ahead of our clock an entered time may be: clocks on phones and servers differ a little.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The date of a moment on the organisation's wall clock (its own offset's date, by the convention).</summary>
    public static DateOnly DateOf(DateTimeOffset at) => new(at.Year, at.Month, at.Day);

    /// <summary>The time of day of a moment on the organisation's wall clock.</summary>
    public static TimeOnly TimeOf(DateTimeOffset at) => TimeOnly.FromTimeSpan(at.TimeOfDay);

    /// <summary>Refuses a moment later than now (beyond the tolerance): <paramref name="what"/> has happened.</summary>
    public static DateTimeOffset NotInFuture(DateTimeOffset at, DateTimeOffset now, string what) =>
        at > now + ClockTolerance
            ? throw CareRuleException.Invalid($"{what} cannot be in the future: record it once it has happened.")
            : at;

    /// <summary>Refuses a date after today.</summary>
    public static DateOnly NotInFuture(DateOnly day, DateOnly today, string what) =>
        day > today ? throw CareRuleException.Invalid($"{what} cannot be a date in the future.") : day;
}
