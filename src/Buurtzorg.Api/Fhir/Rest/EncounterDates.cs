using System.Globalization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Microsoft.Extensions.Primitives;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary>
/// The <c>date</c> parameters of an Encounter search as one range of instants: a day (<c>2026-01-31</c>) is that day on
/// the care clock (Europe/London), from its first moment to the next day's; a time carries its offset
/// (<c>2026-01-31T09:00:00Z</c>). Prefixes <c>eq</c> (the default), <c>ge</c>, <c>gt</c>, <c>le</c>, <c>lt</c>.
/// </summary>
internal sealed record EncounterDates(DateTimeOffset? From, DateTimeOffset? Before)
{
    private const string Usage =
        "date must be a day (2026-01-31) or a time with its offset (2026-01-31T09:00:00Z), after ge, gt, le, lt or eq.";

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    public bool Hold(DateTimeOffset start) => (From is null || start >= From) && (Before is null || start < Before);

    public static EncounterDates Parse(StringValues values, CareClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var range = new EncounterDates(null, null);
        foreach (var value in values)
        {
            var text = (value ?? "").Trim().Replace(' ', '+'); // an unencoded '+' of an offset arrives as a space
            var prefixed = text.Length > 2 && char.IsAsciiLetterLower(text[0]) && char.IsAsciiLetterLower(text[1]);
            var prefix = prefixed ? text[..2] : "eq";
            var (low, high) = Span(prefixed ? text[2..] : text, clock);
            range = prefix switch
            {
                "eq" => range.Narrow(low, high),
                "ge" => range.Narrow(low, null),
                "gt" => range.Narrow(high, null),
                "le" => range.Narrow(null, high),
                "lt" => range.Narrow(null, low),
                _ => throw CareRuleException.Invalid(Usage),
            };
        }
        return range;
    }

    private EncounterDates Narrow(DateTimeOffset? from, DateTimeOffset? before) => new(
        from is { } f && (From is null || f > From) ? f : From,
        before is { } b && (Before is null || b < Before) ? b : Before);

    /// <summary>The instants a value stands for: [low, high).</summary>
    private static (DateTimeOffset Low, DateTimeOffset High) Span(string value, CareClock clock)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return (clock.StartOf(day), clock.StartOf(day.AddDays(1)));
        if (DateTimeOffset.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasOffset(value))
            return (at, at.AddTicks(1));
        throw CareRuleException.Invalid(Usage);
    }

    private static bool HasOffset(string value) => value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T', StringComparison.Ordinal);
}
