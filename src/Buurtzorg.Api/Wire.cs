using System.Globalization;
using Buurtzorg.Domain.Common;
using Google.Protobuf.WellKnownTypes;

namespace Buurtzorg.Api;

/// <summary>
/// Reading and writing the wire's primitive forms: enums (proto values equal the domain's, 0 is "unspecified"),
/// ISO dates (local dates in the organisation's time zone), timestamps (read in that zone), optional strings.
/// Anything a caller sends that does not parse is INVALID_ARGUMENT.
/// </summary>
public static class Wire
{
    public static T Enum<T>(int value, string field) where T : struct, System.Enum => SkillCatalogue.ParseEnum<T>(value, field);

    public static T? OptionalEnum<T>(int value, string field) where T : struct, System.Enum =>
        value == 0 ? null : SkillCatalogue.ParseEnum<T>(value, field);

    public static IReadOnlyList<T> Enums<T, TProto>(IEnumerable<TProto> values, string field, int max = 20)
        where T : struct, System.Enum where TProto : struct, System.Enum
    {
        var list = values.Select(v => Enum<T>(Convert.ToInt32(v, CultureInfo.InvariantCulture), field)).Distinct().ToList();
        return list.Count <= max ? list : throw CareRuleException.Invalid($"{field} lists at most {max} values.");
    }

    public static TProto ToProto<TProto>(System.Enum value) where TProto : struct, System.Enum =>
        (TProto)System.Enum.ToObject(typeof(TProto), Convert.ToInt32(value, CultureInfo.InvariantCulture));

    public static IEnumerable<TProto> ToProto<TProto, T>(IEnumerable<T> values) where TProto : struct, System.Enum where T : struct, System.Enum =>
        values.Select(v => ToProto<TProto>(v));

    /// <summary>A repeated field with at most <paramref name="max"/> items; more is INVALID_ARGUMENT.</summary>
    public static IReadOnlyCollection<T> Bounded<T>(IReadOnlyCollection<T> values, string field, int max) =>
        values.Count <= max ? values : throw CareRuleException.Invalid($"{field} lists at most {max} items.");

    public static DateOnly Date(string? value, string field)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) throw CareRuleException.Invalid($"{field} is required (YYYY-MM-DD).");
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw CareRuleException.Invalid($"{field} must be a date written YYYY-MM-DD.");
    }

    public static DateOnly DateOr(string? value, string field, DateOnly fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback : Date(value, field);

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A local time of day, HH:MM.</summary>
    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// A timestamp (an instant, UTC on the wire) as the care rules read it: in the organisation's time zone, carrying
    /// its offset at that instant (a call at 19:30 UTC in July is 20:30 +01:00, inside the night).
    /// </summary>
    public static DateTimeOffset Instant(Timestamp? value, string field, Grains.CareClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (value is null) throw CareRuleException.Invalid($"{field} is required.");
        if (value.Seconds < -62135596800 || value.Seconds > 253402300799 || value.Nanos is < 0 or > 999_999_999)
            throw CareRuleException.Invalid($"{field} is not a valid time.");
        return clock.ToLocal(value.ToDateTimeOffset());
    }

    public static Timestamp? Instant(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static string? OptionalId(string? value, string field) => Optional(value) is { } id ? Ids.Parse(id, field) : null;

    public static decimal Hours(double value, string field) =>
        double.IsFinite(value) && value is >= 0 and <= 1000 ? Math.Round((decimal)value, 2) : throw CareRuleException.Invalid($"{field} is not a valid number of hours.");
}
