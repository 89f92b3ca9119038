namespace Buurtzorg.Grains;

/// <summary>
/// The clock the care rules read: the system clock, which a test may set forward (to a night, to the next morning)
/// without touching the clock Orleans itself runs on.
/// </summary>
public sealed class CareClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock runs ahead of (or behind) the system clock; zero outside tests.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    /// <summary>Sets the clock so that it reads <paramref name="now"/> (then runs on at real speed).</summary>
    public void Set(DateTimeOffset now) => Offset = now - TimeProvider.System.GetUtcNow();
}
