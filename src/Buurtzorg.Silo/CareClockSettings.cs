using System.Globalization;
using Buurtzorg.Grains;

namespace Buurtzorg.Silo;

/// <summary>
/// The care clock from configuration. <c>CareClock:TimeZone</c> names the organisation's time zone (an IANA id,
/// <c>Europe/London</c> by default); every care rule reads its dates and times there. <c>CareClock:Start</c>, for
/// demos, training and tests from outside, starts the clock at a local time in that zone (<c>2026-07-01T21:00</c>),
/// from which it runs on; only the embedded mode takes it, since a durable silo's records keep real time.
/// </summary>
public static class CareClockSettings
{
    public const string Section = "CareClock";

    public static CareClock From(IConfiguration configuration, bool durable)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var clock = new CareClock(CareClock.Zone(section["TimeZone"] ?? CareClock.DefaultTimeZone));
        if (section["Start"] is not { } start) return clock;
        if (durable)
        {
            throw new InvalidOperationException(
                "CareClock:Start is for the embedded mode only (demos, training, tests): a silo with a database keeps " +
                "care records on real time. Remove CareClock:Start, or run without the PostgreSQL connection string.");
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];
        if (!DateTime.TryParseExact(start.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw new InvalidOperationException(
                $"CareClock:Start must be a local time in {clock.LocalTimeZone.Id} written YYYY-MM-DDTHH:MM, " +
                "such as 2026-07-01T21:00.");
        }
        try
        {
            clock.SetLocal(local);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"CareClock:Start {start.Trim()} cannot be used: {e.Message}", e);
        }
        return clock;
    }
}
