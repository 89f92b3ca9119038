namespace Buurtzorg.Domain.Tests.Common;

/// <summary>
/// Moments on the London wall clock, carrying the offset the care clock gives them (+00:00 in GMT, +01:00 in BST), as
/// every moment reaching the domain does. 2026's changes: Sunday 29 March 01:00 GMT becomes 02:00 BST; Sunday
/// 25 October 02:00 BST becomes 01:00 GMT.
/// </summary>
internal static class London
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>A local time (the first of the two on the autumn change).</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new(local, Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local));
    }

    /// <summary>An instant given in UTC, as the wire gives it, converted as the gRPC layer converts it.</summary>
    public static DateTimeOffset FromUtc(int year, int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTime(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero), Zone);
}
