using System.Globalization;

namespace Buurtzorg.Grains;

/// <summary>
/// The clock the care rules read, in the organisation's time zone (<c>Europe/London</c> unless configured): the system
/// clock, which a test, a demo or a training session may set to another time (a night, the next morning) without
/// touching the clock Orleans itself runs on.
/// <para>
/// Care rules read local time: "today", a night, a visit's day and a time window are the organisation's wall clock,
/// in British Summer Time as in winter. So every moment handed to the domain is expressed in the zone's offset at that
/// moment (<see cref="LocalNow"/>, <see cref="ToLocal"/>); see <c>Buurtzorg.Domain.Common.CareTime</c>.
/// </para>
/// </summary>
public sealed class CareClock : TimeProvider
{
    public const string DefaultTimeZone = "Europe/London";

    private readonly TimeZoneInfo _zone;
    private long _offsetTicks;

    public CareClock()
        : this(Zone(DefaultTimeZone))
    {
    }

    public CareClock(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
    }

    /// <summary>The organisation's time zone, by IANA id; an unknown id is refused with a message for the operator.</summary>
    public static TimeZoneInfo Zone(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
            throw new InvalidOperationException(
                $"CareClock:TimeZone is empty: name the organisation's time zone (such as {DefaultTimeZone}).");
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidOperationException(
                $"CareClock:TimeZone '{id}' is not a time zone this machine knows: give an IANA id such as {DefaultTimeZone}.",
                e);
        }
    }

    /// <summary>The zone every care rule reads time in.</summary>
    public override TimeZoneInfo LocalTimeZone => _zone;

    /// <summary>How far this clock runs ahead of (or behind) the system clock; zero outside tests and demos.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    /// <summary>Now, carrying the zone's offset at this instant (+01:00 in British Summer Time).</summary>
    public DateTimeOffset LocalNow => ToLocal(GetUtcNow());

    /// <summary>The organisation's date today.</summary>
    public DateOnly Today => Domain.Common.CareTime.DateOf(LocalNow);

    /// <summary>The same instant, expressed in the zone's offset at that instant.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone);

    /// <summary>The instant a local date begins (its first minute on the wall clock).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        // Where the clocks go forward at midnight the day begins at the first minute that exists.
        while (_zone.IsInvalidTime(midnight)) midnight = midnight.AddMinutes(15);
        return AtLocal(midnight);
    }

    /// <summary>
    /// A wall-clock time in the zone as an instant. A time the clocks skip (spring forward) is refused; a time they
    /// pass twice (fall back) is its first occurrence, in summer time.
    /// </summary>
    public DateTimeOffset AtLocal(DateTime wallClock)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            var shown = local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            throw new ArgumentException($"{shown} does not exist in {_zone.Id}: the clocks go forward past it.", nameof(wallClock));
        }
        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Sets the clock so that it reads <paramref name="now"/> (then runs on at real speed).</summary>
    public void Set(DateTimeOffset now) => Offset = now - TimeProvider.System.GetUtcNow();

    /// <summary>Sets the clock to a wall-clock time in the zone (then runs on at real speed).</summary>
    public void SetLocal(DateTime wallClock) => Set(AtLocal(wallClock));
}
